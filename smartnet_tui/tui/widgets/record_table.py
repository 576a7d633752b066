"""A virtual table (Textual Line API): it renders only the rows on screen.

Its columns are laid out by :func:`layout_columns`: sized to their content (measured over
the first rows of a new source and over every row an edit touched), the key column(s)
fixed at the left, the descriptive column taking the width left over, the least
important columns leaving the screen first as the terminal narrows. ``l``/``h`` scroll
the other columns one at a time; the key column stays put.

Textual's DataTable measures every cell of every row it holds (seconds of frozen UI for
tens of thousands of rows). This table holds a list of keys and asks a :class:`Source`
for the cells of the rows it draws, so 50,000 rows cost what 20 do. Cells are drawn as
literal segments: data is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smartnet_tui.tui.table_sources import MEASURE_ROWS, Column, Source, layout_columns, measure

__all__ = ["MEASURE_ROWS", "RecordTable"]

STYLE_NAMES = ("good", "warn", "bad", "critical", "note", "dim")


class RecordTable(ScrollView, can_focus=True):
    """Rows of a :class:`Source`, with a cursor, a header and a sort marker."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last row", show=False, id="table.last"),
        Binding("left,h", "scroll_left_col", "Scroll left", show=False, id="table.left",
                tooltip="Bring back the columns scrolled out on the left"),
        Binding("right,l", "scroll_right_col", "Scroll right", show=False, id="table.right",
                tooltip="Show the columns that do not fit (the key column stays put)"),
        Binding("enter", "select", "Open", key_display="enter", id="table.select"),
    ]

    COMPONENT_CLASSES = {
        "record-table--header",
        "record-table--cursor",
        "record-table--empty",
        *(f"record-table--{n}" for n in STYLE_NAMES),
    }

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
        overflow-x: hidden;
    }
    RecordTable > .record-table--header { text-style: bold; color: $text; background: $panel; }
    RecordTable > .record-table--cursor { background: $block-cursor-blurred-background; }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    RecordTable > .record-table--empty { color: $text-muted; text-style: italic; }
    RecordTable > .record-table--good { color: $success; }
    RecordTable > .record-table--warn { color: $warning; }
    RecordTable > .record-table--bad { color: $error; }
    RecordTable > .record-table--critical { color: $error; text-style: bold reverse; }
    RecordTable > .record-table--note { color: $accent; }
    RecordTable > .record-table--dim { color: $text-muted; }
    """

    class Highlighted(Message):
        def __init__(self, table: RecordTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RecordTable:
            return self.table

    class Selected(Message):
        def __init__(self, table: RecordTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(
        self,
        source: Source,
        *,
        empty_text: str = "nothing to show",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.keys: list[str] = []
        self.sort_column: int | None = source.default_sort
        self.sort_reverse = False
        self.empty_text = empty_text
        self.ascii = False
        self.cursor = 0
        self._cells: dict[str, Sequence[tuple[str, str | None]]] = {}
        self._styles: dict[str, Style] = {}
        # the layout: (column index, width) in display order, and what it was made for
        self._shown: list[tuple[int, int]] = []
        self._content: list[int] = []  # each column's widest value seen
        self._measured: Source | None = None
        self.col_offset = 0  # scrolling columns moved out on the left (l / h)
        self.hidden_right = False  # columns left out on the right

    # ------------------------------------------------------------------ data
    @property
    def columns(self) -> Sequence[Column]:
        return self.source.columns

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor < len(self.keys):
            return self.keys[self.cursor]
        return None

    def set_rows(self, keys: list[str], source: Source | None = None, keep: str | None = None) -> None:
        """Show these keys; the cursor stays on the same key when it is still shown."""
        old_key = keep if keep is not None else self.cursor_key
        old_index = self.cursor
        if source is not None:
            self.source = source
        self.keys = keys
        self._cells.clear()
        if self._measured is not self.source:
            self._measured = self.source
            self.col_offset = 0
            # measured off the event loop when the source was prepared (Source.prepare)
            widths = self.source.widths_for(keys)
            if widths is not None:
                self._content = widths
            else:
                self._content = [0] * len(self.columns)
                self.measure(keys[:MEASURE_ROWS])
        index = None
        if old_key is not None and len(keys) < 200_000:
            try:
                index = keys.index(old_key)
            except ValueError:
                index = None
        if index is None:
            index = min(old_index, max(len(keys) - 1, 0))
        self._layout_columns()
        self.virtual_size = Size(self._total_width(), len(keys) + 1)
        self._set_cursor(index, force=True)
        self.refresh()

    def invalidate(self, keys: set[str] | None = None) -> None:
        """Redraw these rows (all when None) from the source."""
        if keys is None:
            self._cells.clear()
        else:
            for k in keys:
                self._cells.pop(k, None)
        self.refresh()

    def move_to_key(self, key: str) -> bool:
        try:
            index = self.keys.index(key)
        except ValueError:
            return False
        self._set_cursor(index)
        return True

    # ------------------------------------------------------------------ layout
    def measure(self, keys: Sequence[str]) -> None:
        """Widen the columns to these rows' values (an edit may lengthen a value)."""
        if len(self._content) != len(self.columns):
            self._content = [0] * len(self.columns)
        measure(self.source, keys, self._content)

    def natural_widths(self) -> list[int]:
        """Each column's width for its content and label, within its ``width``."""
        out = []
        for i, col in enumerate(self.columns):
            label = cell_len(col.label) + (1 if i == self.sort_column else 0)
            content = self._content[i] if i < len(self._content) else 0
            out.append(max(label, min(col.width, content)) if not col.flex
                       else max(label, content, col.min))
        return out

    def _avail(self) -> int:
        """The width for columns: all of it, less the vertical scrollbar when rows overflow."""
        outer = self.outer_size
        return max(outer.width - (1 if len(self.keys) + 1 > outer.height else 0), 1)

    def _layout_columns(self) -> None:
        fixed = getattr(self.source, "fixed", 0)
        natural, avail = self.natural_widths(), self._avail()
        self._shown, self.hidden_right = layout_columns(
            self.columns, natural, avail, fixed, self.col_offset)
        if self.hidden_right:  # one cell for the header's "more on the right" marker
            self._shown, self.hidden_right = layout_columns(
                self.columns, natural, avail - 1, fixed, self.col_offset)

    @property
    def shown_columns(self) -> list[str]:
        """The keys of the columns on screen, left to right."""
        return [self.columns[i].key for i, _ in self._shown]

    def _total_width(self) -> int:
        return sum(w for _, w in self._shown) + max(len(self._shown) - 1, 0)

    def on_resize(self, event: events.Resize) -> None:
        self._layout_columns()
        self.virtual_size = Size(self._total_width(), len(self.keys) + 1)
        self._scroll_cursor_into_view()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"record-table--{name}", partial=True)
            self._styles[name] = style
        return style

    # ------------------------------------------------------------------ cursor
    def _set_cursor(self, index: int, force: bool = False) -> None:
        index = max(0, min(index, len(self.keys) - 1)) if self.keys else 0
        changed = index != self.cursor
        old = self.cursor
        self.cursor = index
        self._scroll_cursor_into_view()
        if changed or force:
            self.refresh_line(old - int(self.scroll_y) + 1)
            self.refresh_line(index - int(self.scroll_y) + 1)
            self.post_message(self.Highlighted(self, self.cursor_key))

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        page = self._page
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + self._page)

    def action_page_up(self) -> None:
        self._set_cursor(self.cursor - self._page)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self.keys) - 1)

    def action_scroll_left_col(self) -> None:
        if self.col_offset > 0:
            self.col_offset -= 1
            self._relayout()

    def action_scroll_right_col(self) -> None:
        if self.hidden_right:
            self.col_offset += 1
            self._relayout()

    def _relayout(self) -> None:
        self._layout_columns()
        self.virtual_size = Size(self._total_width(), len(self.keys) + 1)
        self.refresh()

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        row = event.y - 1 + int(self.scroll_y)
        if event.y >= 1 and 0 <= row < len(self.keys):
            self._set_cursor(row)
            if event.chain >= 2:
                self.action_select()

    # ------------------------------------------------------------------ rendering
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self._shown:
            self._layout_columns()
        if y == 0:
            strip = self._header_strip()
        else:
            index = int(self.scroll_y) + y - 1
            if 0 <= index < len(self.keys):
                strip = self._row_strip(index)
            elif index == 0 and not self.keys:
                text = " " + self.empty_text
                strip = Strip([Segment(text, self._style("empty"))], cell_len(text))
            else:
                strip = Strip.blank(0)
        base = self.rich_style
        return strip.crop(0, width).extend_cell_length(width, base).apply_style(base)

    def _fit(self, text: str, width: int, align: str, sep: str | None = None) -> str:
        if cell_len(text) > width:
            ellipsis = "~" if self.ascii else "…"
            if sep is not None:  # a list: whole items, then how many more
                items = text.split(sep)
                for k in range(len(items) - 1, 0, -1):
                    head = sep.join(items[:k]) + f" +{len(items) - k}"
                    if cell_len(head) <= width:
                        text = head
                        break
                else:
                    return set_cell_size(text, width - 1) + ellipsis if width > 1 else text[:width]
            else:
                return set_cell_size(text, width - 1) + ellipsis if width > 1 else text[:width]
        pad = width - cell_len(text)
        if align == "split" and " " in text:  # "USD 22,970": the code left, the amount right
            head, tail = text.split(" ", 1)
            return head + " " * (pad + 1) + tail
        return (" " * pad + text) if align in ("right", "split") else (text + " " * pad)

    def _header_strip(self) -> Strip:
        style = self._style("header")
        segments = []
        up, down = ("^", "v") if self.ascii else ("▲", "▼")
        fixed = getattr(self.source, "fixed", 0)
        columns = self.columns
        for pos, (i, w) in enumerate(self._shown):
            col = columns[i]
            label = col.label
            if i == self.sort_column:
                label = f"{label}{down if self.sort_reverse else up}"
            if pos:
                left = self.col_offset and pos == fixed
                segments.append(Segment(("<" if self.ascii else "‹") if left else " ", style))
            segments.append(Segment(self._fit(label, w, col.align), style))
        if self.hidden_right:  # more columns on the right: l shows them
            segments.append(Segment(">" if self.ascii else "›", style))
        strip = Strip(segments, self._total_width() + int(self.hidden_right))
        return strip.extend_cell_length(self.scrollable_content_region.width, style)

    def _row_strip(self, index: int) -> Strip:
        key = self.keys[index]
        cells = self._cells.get(key)
        if cells is None:
            cells = self.source.cells(key)
            self._cells[key] = cells
        row_style = self._style("cursor") if index == self.cursor else None
        segments = []
        columns = self.columns
        for pos, (i, w) in enumerate(self._shown):
            if i >= len(cells):
                continue
            text, sname = cells[i]
            col = columns[i]
            style = self._style(sname) if sname else Style()
            if row_style is not None:
                style = style + row_style
            if pos:
                segments.append(Segment(" ", row_style))
            segments.append(Segment(self._fit(text, w, col.align, col.sep), style))
        strip = Strip(segments, self._total_width())
        if row_style is not None:  # the cursor bar spans the whole row
            strip = strip.extend_cell_length(self.scrollable_content_region.width, row_style)
        return strip
