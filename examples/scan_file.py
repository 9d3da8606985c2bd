"""Scan an image file for barcodes of any type (base64 body, as a JSON request).

python examples/scan_file.py photo.jpg
"""

import base64
import sys

from barcode_cloud import ApiClient, Configuration, ScanApi, ScanBase64Request

path = sys.argv[1] if len(sys.argv) > 1 else "qr.png"

with open(path, "rb") as f:
    request = ScanBase64Request(file_base64=base64.b64encode(f.read()).decode("ascii"))

with ApiClient(Configuration()) as client:
    result = ScanApi(client).scan_base64(request)

for barcode in result.barcodes or []:
    print(f"{barcode.type}: {barcode.barcode_value}")
if not result.barcodes:
    print("no barcode found")
