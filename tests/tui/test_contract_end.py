"""A contract's end is its own, not its earliest renewal's (sample estate, demo date):
0093425688 ends 2027-06-30; its two firewall lines end 2027-03-31 (in review). The
contract screen, the Contracts table and the palette say both, each for what it is."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from smartnet_tui.config import Settings
from smartnet_tui.imports.demo import sample_dir
from smartnet_tui.tui.app import SmartnetApp
from smartnet_tui.tui.palette import LookupProvider
from smartnet_tui.tui.screens.detail import ContractScreen
from smartnet_tui.tui.widgets.record_table import RecordTable

from .conftest import wait_loaded, wait_until

SIZE = (100, 30)


def _sample_db(tmp_path, cli):
    db = tmp_path / "smartnet.json"
    code, _, err = cli("import", sample_dir() / "estate.yaml", sample_dir() / "eox.json",
                       "--db", db)
    assert code == 0, err
    return db


async def test_contract_screen_table_and_palette_give_the_contracts_end(tmp_path, cli):
    app = SmartnetApp(Settings(db_path=_sample_db(tmp_path, cli), today=date(2026, 12, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.open_contract("0093425688")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractScreen))
        await pilot.pause()
        info = str(app.screen.query_one("#info", Static).render())
        assert info.startswith("REVIEW  ends 2027-06-30; 2 lines end 2027-03-31 (in 120 days)")
        await pilot.press("escape", "2")
        await pilot.pause()
        source = app.screen.query_one(RecordTable).source
        cells = [text for text, _ in source.cells("0093425688")]
        assert cells[2:5] == ["2027-06-30", "120", "review"], cells  # End, Days, Renewal
        provider = LookupProvider(app.screen)
        await provider.startup()
        labels = [str(hit.match_display) async for hit in provider.search("0093425688")]
        assert any("review, ends 2027-06-30 (2 lines end 2027-03-31)" in t for t in labels), labels
