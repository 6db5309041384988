"""A trade-data block round-trips: guide text → draft → fact sheet → build → the named query trade-data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from smartcity_kg.cli.main import main
from smartcity_kg.draft.mentions import Gazetteer
from smartcity_kg.draft.names import load_names
from smartcity_kg.draft.tradeblock import find_blocks
from smartcity_kg.resources import shipped

# The layout of ../shared/sources/examples/canada-ccg-1990s-trade-data-block.txt, with invented figures.
FLAT = ("APPENDIX B BEST PROSPECT SECTORS FOR U.S. EXPORTERS TO NORWAY (US$ millions, unless otherwise noted) "
        "A) Rank of Sector: 3 B) Name of Sector: INTELLIGENT LIGHTING EQUIPMENT C) ITA or PS&D Code: LGT "
        "2019 2020 2021 (estimated) D) Total Market Size 1,250 1,310 1,402 E) Total Local Production 610 640 655 "
        "F) Total Exports 220 230 241 G) Total Imports 860 900 988 H) Imports from the U.S. 512 530 577 "
        "I) Exchange Rate (NOK1=US$X) 0.1160 0.1063 0.1163 J) Comments: Municipalities replace street lights.")
GUIDE = ("Norway – Lighting\n\nNorwegian municipalities are replacing street lights, and Oslo leads.\n\n"
         + FLAT + "\n")
# The same measures as a later guide's table: one row a line, a mistyped row.
TABLE = """\
Trade data (USD thousands)
                           2018      2019      2020
Total Market Size        12,500    13,100    14,020
Total Local Production    6,100     6,400
Total Exports             2,200     2,300     2,410
"""


@pytest.fixture(scope="module")
def gazetteer(built: Path) -> Gazetteer:
    store = ox.Store()
    store.bulk_load(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG)
    return Gazetteer.build(load_names(store))


def test_the_flat_layout_is_read_with_its_heading(gazetteer: Gazetteer) -> None:
    (block,) = find_blocks(GUIDE, gazetteer)
    assert block.years == ["2019", "2020", "2021"] and block.statuses == ["actual", "actual", "estimated"]
    assert block.rows["total-market-size"] == ["1,250", "1,310", "1,402"]
    assert block.rows["exchange-rate"] == ["0.1160", "0.1063", "0.1163"] and block.rate_unit == "NOK1=US$X"
    assert (block.market, block.partner, block.currency, block.multiplier) == ("NO", "US", "USD", 6)
    assert (block.sector, block.sector_ref, block.code) == ("INTELLIGENT LIGHTING EQUIPMENT", "intelligent-lighting", "LGT")
    assert GUIDE[block.start:block.end].startswith("(US$ millions") and GUIDE[block.start:block.end].endswith("0.1163")


def test_a_table_layout_is_read_and_a_short_row_is_left_out_with_the_reason(gazetteer: Gazetteer) -> None:
    (block,) = find_blocks(TABLE, gazetteer, market="DK")
    assert block.years == ["2018", "2019", "2020"] and block.market == "DK"
    assert (block.currency, block.multiplier) == ("USD", 3)
    assert block.rows == {"total-market-size": ["12,500", "13,100", "14,020"], "exports": ["2,200", "2,300", "2,410"]}
    assert block.problems == {"local-production": "has 2 values ('6,100', '6,400'), and the block has 3 years"}


def test_text_to_draft_to_graph_to_the_trade_data_query(built: Path, tmp_path: Path) -> None:
    graph = Path(shutil.copytree(shipped("graph"), tmp_path / "graph"))
    (graph / "sources" / "no-lighting.txt").write_text(GUIDE, encoding="utf-8")
    with (graph / "sources" / "sources.yaml").open("a", encoding="utf-8") as records:
        records.write("  - id: no-lighting\n    title: Norway – Lighting\n    publisher: Test\n"
                      "    url: https://example.org/no\n    kind: guide\n    language: en\n    text: no-lighting.txt\n")
    runner = CliRunner()
    drafted = runner.invoke(main, ["draft", str(graph / "sources" / "no-lighting.txt"), "--source", "no-lighting",
                                   "-o", str(graph / "facts" / "no-lighting.yaml"), "--build-dir", str(built)])
    assert drafted.exit_code == 0, drafted.output
    sheet = (graph / "facts" / "no-lighting.yaml").read_text(encoding="utf-8")
    assert "    type: TradeTable\n    label: \"Trade data: INTELLIGENT LIGHTING EQUIPMENT\"\n    market: NO\n" in sheet
    built_here = runner.invoke(main, ["build", "--graph", str(graph), "--build-dir", str(tmp_path / "build"), "-q"])
    assert built_here.exit_code == 0, built_here.output
    asked = runner.invoke(main, ["query", "trade-data", "--param", "market=NO", "--format", "csv",
                                 "--build-dir", str(tmp_path / "build")])
    assert asked.exit_code == 0, asked.output
    rows = asked.output.splitlines()
    assert rows[0] == "market,sector,code,measure,year,value,status,unit,multiplier,partner,source"
    assert len(rows) == 1 + 18
    assert "Norway,intelligent lighting,LGT,imports-from-partner,2021,577,estimated,USD,6,United States," \
           "Norway – Lighting" in rows
    assert "Norway,intelligent lighting,LGT,exchange-rate,2019,0.116,actual,NOK1=US$X,0,,Norway – Lighting" in rows
    others = runner.invoke(main, ["query", "trade-data", "--param", "market=DK", "--format", "csv",
                                  "--build-dir", str(tmp_path / "build")])
    assert others.output.splitlines()[1:] == []
    sheet_path = tmp_path / "trade.csv"
    wide = runner.invoke(main, ["trade-data", "--market", "NO", "-o", str(sheet_path), "--build-dir", str(tmp_path / "build")])
    assert wide.exit_code == 0, wide.output
    lines = sheet_path.read_text(encoding="utf-8-sig").splitlines()
    assert sheet_path.read_bytes().startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read UTF-8
    assert lines[0] == "market,sector,code,measure,unit,multiplier,partner,source,2019,2020,2021"
    assert "Norway,intelligent lighting,LGT,total-market-size,USD,6,,Norway – Lighting,1250,1310,1402 (e)" in lines
    assert len(lines) == 1 + 6
    again = runner.invoke(main, ["trade-data", "-o", str(sheet_path), "--build-dir", str(tmp_path / "build")])
    assert again.exit_code == 2 and "exists" in again.output
