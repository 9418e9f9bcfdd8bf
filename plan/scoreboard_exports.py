"""The scoreboard as an Excel workbook (core.spreadsheets.ReportWriter): a sheet of villages, a sheet of units,
each row its rank, score and every figure behind it; then the definitions and weights."""

from __future__ import annotations

from collections.abc import Sequence

from core.dates import local_today
from core.spreadsheets import Column, ReportWriter, filler_line
from units.models import Township, User
from units.offices import filler_unit_name

from .scoreboard import INDICATORS, RATE, Board, Figure, Row

NOT_APPLICABLE = "不适用"
SCORE_NOTE = (
    "得分 = 100 × Σ 权重 × 标准化值 ÷ 适用指标的权重之和；比率按原值，计数按本表各行最小—最大值标准化；"
    "不适用的指标不计，其余指标的权重按比例放大。"
)


def _columns(board: Board) -> list[Column]:
    columns = [Column("rank", "名次", width=6), Column("name", "村（单位）", width=18)]
    columns.append(Column("score", "得分", width=8))
    columns += [Column(i.key, f"{i.label}（权重{board.weights.get(i.key, 0)}）", width=16) for i in INDICATORS]
    return columns


def figure_text(figure: Figure) -> str:
    if not figure.applies:
        return NOT_APPLICABLE
    if figure.indicator.kind == RATE:
        return f"{figure.percent}%（{figure.numerator}/{figure.denominator}）"
    return str(int(figure.value or 0))


def _write(writer: ReportWriter, rows: Sequence[Row]) -> None:
    for row in rows:
        values: dict[str, object] = {"rank": row.rank or "", "name": row.name, "score": row.score}
        values.update({f.key: figure_text(f) for f in row.ordered})
        writer.append(values)


def scoreboard_workbook(
    board: Board, villages: Sequence[Row], units: Sequence[Row], *, township: Township, filler: User
) -> bytes:
    line = filler_line(filler_unit_name(filler, township), filler.display_name, local_today())
    title = f"{township.name}{board.year}年第{board.quarter}季度赛马比拼"
    writer = ReportWriter(sheet_name="村", title=f"{title}（村）", line=line, columns=_columns(board), frozen_columns=2)
    _write(writer, villages)
    writer.append_note(SCORE_NOTE)
    units_sheet = writer.add_sheet(
        sheet_name="单位", title=f"{title}（单位）", line=line, columns=_columns(board), frozen_columns=2
    )
    _write(units_sheet, units)
    return writer.to_bytes()
