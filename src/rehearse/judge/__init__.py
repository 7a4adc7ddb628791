"""The judge: everything that reads an answer and returns a verdict. Pure: text, word times and numbers
in, verdicts out; no audio, no files but its own shipped weights, no question bank."""
