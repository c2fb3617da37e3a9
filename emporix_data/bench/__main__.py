"""``python -m emporix_data.bench``: the same as ``emporix-data bench``."""

from emporix_data.bench import main

raise SystemExit(main())
