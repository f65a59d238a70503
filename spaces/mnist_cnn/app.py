import sys
from pathlib import Path
sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parents[1])]
from shared.suite import main  # noqa: E402
if __name__ == "__main__":
    main(["mnist_cnn"])
