from barcode_cloud_server.cli.main import app

app(prog_name="barcode-cloud")
