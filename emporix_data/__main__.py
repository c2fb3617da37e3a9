from emporix_data.cli import app

app(prog_name="emporix-data")
