"""Run as `python -m rehearse.tts TEXT OUT.wav [RATE]`: one pyttsx3 synthesis in a fresh process.

pyttsx3 on Linux returns from the first runAndWait() before audio has finished, prints to stdout
and can hang when reused; a throwaway process with a timeout sidesteps all three.
"""

import sys


def main() -> None:
    text, out = sys.argv[1], sys.argv[2]
    import pyttsx3

    engine = pyttsx3.init()
    if len(sys.argv) > 3:
        engine.setProperty("rate", int(sys.argv[3]))
    engine.save_to_file(text, out)
    engine.runAndWait()


if __name__ == "__main__":
    main()
