# Replaced by the image build with the commit the package was built from.
COMMIT = "unknown"
