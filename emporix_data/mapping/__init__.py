"""Files from other systems: their headers mapped to our columns, and customers, segments
and legal entities found by e-mail or name.

``headers`` (automatic and chosen mappings, the report of which header went where),
``saved`` (mappings as TOML files), ``lookups`` (the records values are looked up in),
``apply`` (a file as mapped -> the rows a plan reads, with the rows lookups refused).
Mapping runs before planning: ``MappedFile.plan`` plans the mapped rows as any file.
"""

from emporix_data.mapping.apply import FOUND_COLUMNS, MappedFile, map_file
from emporix_data.mapping.headers import (
    ColumnMapping,
    HeaderChoice,
    MappingError,
    MappingReport,
    MissingKey,
    Target,
    map_headers,
    mapping_targets,
)
from emporix_data.mapping.lookups import Directory, Finder, directory_of, load_directory
from emporix_data.mapping.saved import (
    load_mapping,
    mapping_path,
    mapping_toml,
    mappings_dir,
    read_mapping,
    saved_mappings,
    write_mapping,
)

__all__ = [
    "FOUND_COLUMNS",
    "ColumnMapping",
    "Directory",
    "Finder",
    "HeaderChoice",
    "MappedFile",
    "MappingError",
    "MappingReport",
    "MissingKey",
    "Target",
    "directory_of",
    "load_directory",
    "load_mapping",
    "map_file",
    "map_headers",
    "mapping_path",
    "mapping_targets",
    "mapping_toml",
    "mappings_dir",
    "read_mapping",
    "saved_mappings",
    "write_mapping",
]
