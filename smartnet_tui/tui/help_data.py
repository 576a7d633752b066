"""Every key binding of the app, by where it works: for ``?`` and the keymap checks."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode

# The app's own bindings (``SmartnetApp.BINDINGS``): here, so that the help and the keymap
# check list them without importing the app.
APP_BINDINGS: list[Binding] = [
    Binding("1", "switch_mode('inventory')", "Inventory", id="app.inventory", show=False,
            tooltip="Every device with its coverage"),
    Binding("2", "switch_mode('contracts')", "Contracts", id="app.contracts", show=False,
            tooltip="Contracts by urgency"),
    Binding("3", "switch_mode('alerts')", "Alerts", id="app.alerts", show=False,
            tooltip="What needs action today"),
    Binding("4", "switch_mode('worklist')", "Worklist", id="app.worklist", show=False,
            tooltip="The renewals to decide, most urgent first, with their triage"),
    Binding("colon,ctrl+p", "command_palette", "Lookup", id="app.lookup", key_display=":",
            tooltip="Look up a serial, hostname or contract; jump to a screen"),
    Binding("u,ctrl+z", "undo", "Undo", id="app.undo", show=False,
            tooltip="Undo the last edit made in this session"),
    Binding("H", "history", "History", id="app.history", show=False,
            tooltip="The change journal: who changed what, when"),
    Binding("i", "import", "Import", id="app.import", show=False,
            tooltip="Import export files, with a preview of what changes before writing"),
    Binding("F", "fetch", "Fetch", id="app.fetch", show=False,
            tooltip="Fetch coverage and EoX from Cisco's Support APIs, with a preview before "
                    "writing"),
    Binding("ctrl+r", "reload", "Reload", id="app.reload", show=False,
            tooltip="Re-read the database now"),
    Binding("question_mark", "help", "Help", id="app.help", key_display="?",
            tooltip="Every key"),
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (waits for pending saves)"),
    Binding("5", "switch_mode('timeline')", "Timeline", id="app.timeline", show=False,
            tooltip="The months ahead: renewals ending, last dates to renew and of support"),
    Binding("w", "whatif", "What-if", id="app.whatif", show=False,
            tooltip="Open the what-if scenario: drop contracts or lines, retire devices"),
    Binding("P", "plan", "Co-term planner", id="app.plan", show=False,
            tooltip="Co-term the group of the contract under the cursor onto one date"),
]


# The help screen's own keys (``HelpScreen.BINDINGS``): here, so that ? lists them too.
HELP_BINDINGS: list[Binding] = [
    Binding("escape,q,question_mark", "close", "Close", id="help.close",
            tooltip="Close the help"),
    Binding("j,down", "down", "Down", show=False, id="help.down"),
    Binding("k,up", "up", "Up", show=False, id="help.up"),
    Binding("pagedown,space,ctrl+f", "page_down", "Page down", show=False,
            id="help.page_down"),
    Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="help.page_up"),
    Binding("g,home", "top", "Top", show=False, id="help.top"),
    Binding("G,end", "bottom", "Bottom", show=False, id="help.bottom"),
]


def _own(cls: type[DOMNode]) -> list[Binding]:
    return [b for b in cls.BINDINGS if isinstance(b, Binding)]


def binding_groups() -> list[tuple[str, list[Binding]]]:
    # Imported here, not at the top: the app imports this module at start (APP_BINDINGS),
    # and every screen and dialog behind a key loads only when ? or a keymap asks for keys.
    from smartnet_tui.tui.components.dialogs import ChoiceModal, ConfirmModal, FormModal  # (see above)
    from smartnet_tui.tui.components.fetch_dialog import FetchDialog, FetchPreview  # (see above)
    from smartnet_tui.tui.components.import_dialog import ImportDialog, ImportPreview, Toggle  # (see above)
    from smartnet_tui.tui.components.quote_panel import QuoteScreen  # (see above)
    from smartnet_tui.tui.components.scenario_screen import ScenarioScreen  # (see above)
    from smartnet_tui.tui.screens.detail import ContractScreen, DetailScreen, DeviceScreen  # (see above)
    from smartnet_tui.tui.screens.history import HistoryScreen  # (see above)
    from smartnet_tui.tui.screens.planner import PlannerScreen  # (see above)
    from smartnet_tui.tui.screens.tables import (  # (see above)
        AlertsScreen,
        ContractsScreen,
        InventoryScreen,
        TableScreen,
    )
    from smartnet_tui.tui.screens.timeline import TimelineScreen  # (see above)
    from smartnet_tui.tui.screens.worklist import WorklistScreen  # (see above)
    from smartnet_tui.tui.screens.worklist_item import WorklistItemScreen  # (see above)
    from smartnet_tui.tui.widgets.record_table import RecordTable  # (see above)

    own = _own
    return [
        ("Everywhere", list(APP_BINDINGS)),
        ("Tables", own(RecordTable) + own(TableScreen)),
        ("Alerts", own(AlertsScreen)),
        ("Inventory", own(InventoryScreen)),
        ("Contracts", own(ContractsScreen)),
        ("Worklist", own(WorklistScreen)),
        ("Worklist item", own(WorklistItemScreen)),
        ("Partner quote", own(QuoteScreen)),
        ("Device and contract detail", own(DetailScreen)),
        ("Device detail", own(DeviceScreen)),
        ("Contract detail", own(ContractScreen)),
        ("History", own(HistoryScreen)),
        ("Timeline", own(TimelineScreen)),
        ("Co-term planner", own(PlannerScreen)),
        ("What-if scenario", own(ScenarioScreen)),
        ("Help (this screen)", list(HELP_BINDINGS)),
        ("Import", own(ImportDialog) + own(Toggle) + own(ImportPreview)),
        ("Fetch from Cisco", own(FetchDialog) + own(FetchPreview)),
        ("Dialogs", own(ChoiceModal) + [b for b in own(FormModal) if b.id != "dialog.cancel"]
         + own(ConfirmModal)),
    ]


def all_bindings() -> list[tuple[str, Binding]]:
    return [(group, b) for group, bindings in binding_groups() for b in bindings]


def binding_ids() -> set[str]:
    """Every binding id a keymap may remap."""
    return {b.id for _, b in all_bindings() if b.id}
