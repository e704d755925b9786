"""Every write of data sharing. ``apps`` (calling applications and their credentials) is here from the
start because the open-data portal's developers use it too."""
