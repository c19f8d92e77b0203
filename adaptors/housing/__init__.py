"""Housing: a nightly CSV extract dropped into a folder (reference extract writer + file-drop adaptor)."""
