"""Small but real files for upload tests: upload validation reads them with libmagic, so a signature
followed by zeros is not a PNG."""

# A valid 1×1 greyscale PNG (IHDR, IDAT, IEND with correct CRCs): 67 bytes.
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82"
)
