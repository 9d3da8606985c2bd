"""What the test modules share: servers, samples, image servers, mock servers. Fixtures stay in conftest.py."""
