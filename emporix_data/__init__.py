"""emporix-data-ops: load, edit and push Emporix customer data (no Streamlit in here)."""
