"""A file the user uploaded onto a table: read once, mapped onto the table's columns as
the user chooses, its rows kept while the choice stays the same."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from emporix_data.frames import FrameSchema
from emporix_data.mapping import (
    ColumnMapping,
    Directory,
    MappedFile,
    MappingReport,
    map_file,
    map_headers,
)


@dataclass(eq=False)
class UploadedFile:
    """An uploaded file, read once: its rows under its own headers, the automatic mapping,
    the columns chosen for its headers (starting as the automatic ones), and the rows it
    maps to, kept while the choice stays the same (so the plan is not built again)."""

    file_id: str
    name: str
    frame: pd.DataFrame
    schema: FrameSchema
    automatic: MappingReport
    choices: dict[str, str] = field(default_factory=dict)
    mapped: MappedFile | None = None

    @classmethod
    def read(
        cls, file_id: str, name: str, frame: pd.DataFrame, schema: FrameSchema
    ) -> UploadedFile:
        automatic = map_headers(list(frame.columns), schema)
        return cls(file_id, name, frame, schema, automatic, dict(automatic.chosen().columns))

    @property
    def headers(self) -> list[str]:
        return [str(header) for header in self.frame.columns]

    def choose(self, choices: Mapping[str, str]) -> None:
        """Use these columns for the headers from now on ("" ignores a header)."""
        if dict(choices) != self.choices:
            self.choices = dict(choices)
            self.mapped = None

    def report(self) -> MappingReport:
        """The mapping chosen, each header's ``how`` as automatic where it was kept."""
        chosen = map_headers(self.headers, self.schema, ColumnMapping(self.choices))
        return chosen.explained_by(self.automatic)

    def rows(self, directory: Callable[[], Directory], site: str | None) -> MappedFile:
        """The rows to plan (of ``site`` only, on a per-site table), mapped once per choice;
        raises ``MappingError`` when they cannot be (no key column)."""
        if self.mapped is None:
            self.mapped = map_file(
                self.frame,
                self.schema,
                self.report(),
                directory,
                site=site,
                other_sites_left_out=True,
            )
        return self.mapped
