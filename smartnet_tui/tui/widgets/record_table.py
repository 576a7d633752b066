"""A virtual table (Textual Line API): it renders only the rows on screen.

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

from smartnet_tui.tui.table_sources import Column, Source

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
        Binding("left,h", "scroll_left_col", "Scroll left", show=False, id="table.left"),
        Binding("right,l", "scroll_right_col", "Scroll right", show=False, id="table.right"),
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
        self._widths: list[int] = []
        self._styles: dict[str, Style] = {}

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
    def _layout_columns(self) -> None:
        widths = [c.width for c in self.columns]
        # Always leave room for the vertical scrollbar, so that its coming and going
        # never adds a horizontal one.
        avail = self.size.width - 1
        spare = avail - (sum(widths) + len(widths) - 1)
        if spare > 0:
            for i, c in enumerate(self.columns):
                if c.flex:
                    widths[i] += spare
                    break
        self._widths = widths

    def _total_width(self) -> int:
        return sum(self._widths) + max(len(self._widths) - 1, 0)

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
        self.scroll_to(x=max(0, self.scroll_x - 10), animate=False)

    def action_scroll_right_col(self) -> None:
        self.scroll_to(x=self.scroll_x + 10, animate=False)

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
        scroll_x = int(self.scroll_x)
        if not self._widths:
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
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, base).apply_style(base)

    def _fit(self, text: str, width: int, align: str) -> str:
        if cell_len(text) > width:
            ellipsis = "~" if self.ascii else "…"
            return set_cell_size(text, width - 1) + ellipsis if width > 1 else text[:width]
        pad = width - cell_len(text)
        return (" " * pad + text) if align == "right" else (text + " " * pad)

    def _header_strip(self) -> Strip:
        style = self._style("header")
        segments = []
        up, down = ("^", "v") if self.ascii else ("▲", "▼")
        for i, (col, w) in enumerate(zip(self.columns, self._widths, strict=False)):
            label = col.label
            if i == self.sort_column:
                label = f"{label}{down if self.sort_reverse else up}"
            segments.append(Segment(self._fit(label, w, col.align), style))
            segments.append(Segment(" ", style))
        if segments:
            segments.pop()
        return Strip(segments, self._total_width())

    def _row_strip(self, index: int) -> Strip:
        key = self.keys[index]
        cells = self._cells.get(key)
        if cells is None:
            cells = self.source.cells(key)
            self._cells[key] = cells
        row_style = self._style("cursor") if index == self.cursor else None
        segments = []
        for (text, sname), col, w in zip(cells, self.columns, self._widths, strict=False):
            style = self._style(sname) if sname else Style()
            if row_style is not None:
                style = style + row_style
            segments.append(Segment(self._fit(text, w, col.align), style))
            segments.append(Segment(" ", row_style))
        if segments:
            segments.pop()
        return Strip(segments, self._total_width())
