"""Generate a QR code and save it to a file.

    BARCODE_CLOUD_HOST=http://127.0.0.1:8080/v4.0 \
    BARCODE_CLOUD_CLIENT_ID=... BARCODE_CLOUD_CLIENT_SECRET=... \
    python examples/generate_qr.py "Hello, world" qr.png
"""

import sys

from barcode_cloud import (
    ApiClient,
    BarcodeImageParams,
    CodeLocation,
    Configuration,
    EncodeBarcodeType,
    GenerateApi,
    QRErrorLevel,
    QrParams,
)

text = sys.argv[1] if len(sys.argv) > 1 else "Hello, world"
path = sys.argv[2] if len(sys.argv) > 2 else "qr.png"

# Host and client credentials come from the BARCODE_CLOUD_* variables; they may also be passed here:
# Configuration(client_id=..., client_secret=..., host="https://barcodes.example.com/v4.0").
config = Configuration()

with ApiClient(config) as client:
    image = GenerateApi(client).generate(
        EncodeBarcodeType.QR,
        text,
        barcode_image_params=BarcodeImageParams(text_location=CodeLocation.NONE, resolution=300),
        qr_params=QrParams(qr_error_level=QRErrorLevel.LEVELM),
    )

with open(path, "wb") as f:
    f.write(image)  # bytes; `image.data` works too, as with aspose_barcode_cloud
print(f"QR code saved to {path} ({len(image)} bytes)")
