"""Recognize barcodes of a given type in an image file.

python examples/recognize_file.py qr.png QR
"""

import sys

from barcode_cloud import ApiClient, ApiException, Configuration, DecodeBarcodeType, RecognizeApi

path = sys.argv[1] if len(sys.argv) > 1 else "qr.png"
barcode_type = DecodeBarcodeType(sys.argv[2]) if len(sys.argv) > 2 else DecodeBarcodeType.MOSTCOMMONLYUSED

with ApiClient(Configuration()) as client:
    try:
        with open(path, "rb") as image:
            result = RecognizeApi(client).recognize_multipart(barcode_type, image)
    except ApiException as e:
        sys.exit(f"recognition failed: {e.status} {e.reason}")

for barcode in result.barcodes or []:
    print(f"{barcode.type}: {barcode.barcode_value}")
if not result.barcodes:
    print("no barcode found")
