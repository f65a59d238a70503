"""Deep learning in multimedia: the interactive lab, every tab in one Gradio app.

    python app.py                      # http://127.0.0.1:7860
    python app.py --host 0.0.0.0 --port 8080 --share --demos mnist_cnn,vae

Each tab is a demo folder in spaces/; see README.md.
"""

import sys

# Gradio imports IPython, when it is installed, only to offer notebook magics; the server
# never uses them, and skipping the import saves about half a second of every start.
sys.modules.setdefault("IPython", None)

from shared.suite import main  # noqa: E402

if __name__ == "__main__":
    main()
