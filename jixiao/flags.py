"""Flag names: the one home for every warning attached to an indicator or a form.

Each flag carries a confidence factor; jixiao.normalizers.confidence multiplies them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    meaning: str
    factor: float  # multiplied into Indicator.confidence when the flag is set


LEVEL1_INFERRED = "level1_inferred"
LEVEL1_CORRECTED = "level1_corrected"
LEVEL2_INFERRED = "level2_inferred"
UNIT_INFERRED = "unit_inferred"
UNIT_CONFLICT = "unit_conflict"
COLUMNS_SHIFTED = "columns_shifted"
COLUMNS_SWAPPED = "columns_swapped"
OPERATOR_REPAIRED = "operator_repaired"
OPERATOR_UNKNOWN = "operator_unknown"
VALUE_UNPARSED = "value_unparsed"
LEVEL_UNKNOWN = "level_unknown"
LEVEL_FUZZY = "level_fuzzy"
EXCEL_DATE = "excel_date"
EXCEL_FLOAT = "excel_float"
PINYIN_REMOVED = "pinyin_removed"
TEXT_REPAIRED = "text_repaired"
NUMBER_REPAIRED = "number_repaired"
OCR = "ocr"
CONTINUED_ACROSS_PAGES = "continued_across_pages"
GRID_PDFPLUMBER = "grid_pdfplumber"
GRID_STREAM = "grid_stream"
GRID_CAMELOT = "grid_camelot"  # + "_lattice" or "_stream": the flavor that won
HIDDEN_SHEETS_SKIPPED = "hidden_sheets_skipped"
HIDDEN_ROWS_SKIPPED = "hidden_rows_skipped"
CORRECTED = "corrected"
REDACTED = "redacted"
GRID_OCR_RULED = "grid_ocr_ruled"
GRID_OCR_ALIGNED = "grid_ocr_aligned"
PAGE_TURNED = "page_turned"
OCR_REPAIRED = "ocr_repaired"
WEIGHTS_UNBALANCED = "weights_unbalanced"

FLAGS: dict[str, Flag] = {
    f.name: f
    for f in (
        Flag(
            LEVEL1_INFERRED, "一级指标 cell empty; filled from the 二级指标 via the taxonomy.", 0.95
        ),
        Flag(
            LEVEL1_CORRECTED,
            "Printed 一级指标 contradicts the taxonomy for its 二级指标 and was corrected.",
            0.9,
        ),
        Flag(LEVEL2_INFERRED, "二级指标 cell empty and not carried from a merged cell.", 0.95),
        Flag(
            LEVEL_FUZZY,
            "Level name not listed; matched to the closest listed one (jieba tokens).",
            0.9,
        ),
        Flag(LEVEL_UNKNOWN, "一级 or 二级指标 name not in the vocabulary; kept as printed.", 0.9),
        Flag(UNIT_INFERRED, "Unit cell empty; unit taken from the scoring rule or the name.", 0.95),
        Flag(UNIT_CONFLICT, "Unit column and the unit attached to the value disagree.", 0.9),
        Flag(COLUMNS_SHIFTED, "Cells of the row sat outside their header columns.", 0.97),
        Flag(COLUMNS_SWAPPED, "Explanation and scoring found in each other's columns.", 0.97),
        Flag(OPERATOR_REPAIRED, "Operator repaired (e.g. OCR read ≥92% as 292%).", 0.8),
        Flag(OPERATOR_UNKNOWN, "Quantitative target without a direction (定量).", 0.9),
        Flag(VALUE_UNPARSED, "Target looks numeric but could not be parsed.", 0.8),
        Flag(
            EXCEL_DATE,
            "Target was an Excel date serial (44561 = 2021-12-31); read as a deadline.",
            0.95,
        ),
        Flag(
            EXCEL_FLOAT,
            "Excel float noise (0.0900000762939453) rounded; a fraction read as a percentage.",
            0.95,
        ),
        Flag(PINYIN_REMOVED, "Pinyin glosses a crawler inserted (指標(biāo)) were removed.", 0.98),
        Flag(TEXT_REPAIRED, 'Runs of "?" (unencodable full-width spaces) became spaces.', 0.98),
        Flag(NUMBER_REPAIRED, "Spaces inside a number (968.191 8) were removed.", 0.9),
        Flag(OCR, "Text came from OCR (confidence also x the row's lowest OCR cell score).", 1.0),
        Flag(OCR_REPAIRED, "OCR confusion inside a number repaired (O for 0, l for 1, ％).", 0.9),
        Flag(GRID_OCR_RULED, "Scan: grid from the ruling lines of the image.", 1.0),
        Flag(GRID_OCR_ALIGNED, "Scan without usable rules: grid from aligned OCR text boxes.", 1.0),
        Flag(PAGE_TURNED, "Scan page lay on its side and was turned upright.", 1.0),
        Flag(CONTINUED_ACROSS_PAGES, "Table continued across pages.", 1.0),
        Flag(GRID_PDFPLUMBER, "PDF table grid built by jixiao from ruling lines (it won).", 1.0),
        Flag(GRID_STREAM, "PDF table had no ruling lines; grid built from text alignment.", 1.0),
        Flag(GRID_CAMELOT + "_lattice", "PDF table grid from camelot lattice (it won).", 1.0),
        Flag(GRID_CAMELOT + "_stream", "PDF table grid from camelot stream (it won).", 1.0),
        Flag(HIDDEN_SHEETS_SKIPPED, "The workbook had hidden sheets; they were not read.", 1.0),
        Flag(HIDDEN_ROWS_SKIPPED, "Hidden rows of the sheet were not read.", 1.0),
        Flag(CORRECTED, "A person corrected a field (OUT/corrections.jsonl, jixiao review).", 1.0),
        Flag(REDACTED, "Personal data removed or masked (--redact; form flag).", 1.0),
        Flag(
            WEIGHTS_UNBALANCED,
            "The weights of a level-1 group do not add up to the subtotal it prints (form flag).",
            1.0,
        ),
    )
}
