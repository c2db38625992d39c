# %% [markdown]
# # jixiao from Python
#
# A notebook in the percent format (VS Code, Jupyter with jupytext, or plain
# `python examples/notebook.py [OUT]`). It reads a seed text dump, a PDF and an Excel
# workbook one at a time, runs a folder as a batch, and asks the run's tables a question.
# Only `pip install 'jixiao[pandas]'` is needed. The test suite runs it
# (tests/test_api.py), and CI runs it again in a fresh venv with jixiao installed from the
# repository (.ci/run).

# %%
import sys
import tempfile
from pathlib import Path

import jixiao

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "forms"
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "out"
print("jixiao", jixiao.__version__, "from", Path(jixiao.__file__).parent)

# %% [markdown]
# ## One source at a time: `jixiao.read`
# A path, bytes or a binary file object; the format comes from the content. The result is
# what `jixiao run` writes as that source's JSON. In a notebook, a form shows as a table
# of its indicators.

# %%
seed = jixiao.read(SAMPLES / "001_570424103c010556.txt")
pdf = jixiao.read(SAMPLES / "pdf" / "seed_001_word_like.pdf")
with open(SAMPLES / "office" / "project_2026.xlsx", "rb") as workbook:
    xlsx = jixiao.read(workbook)

for result in (seed, pdf, xlsx):
    print(result)
    assert result.forms and not result.errors, result

form = seed.forms[0]
print(form)
print(form.to_pandas()[["level1", "level2", "name", "operator", "value", "unit"]].head())

# %% [markdown]
# The seed and its PDF rendering hold the same form: the same indicators come out.

# %%
names = [indicator.name for indicator in form.indicators]
assert names == [indicator.name for indicator in pdf.forms[0].indicators]
print(f"{len(names)} indicators, the same in the text dump and the PDF")

# %% [markdown]
# ## A folder as a batch: `jixiao.run`
# The options are those of `jixiao run` (`jobs`, `redact`, `vocab`, `partition_by` ...).

# %%
summary = jixiao.run(SAMPLES / "years", OUT, quiet=True)
print(summary.line())
assert summary.forms == 5 and summary.failed_sources == 0

# %% [markdown]
# ## Questions to the tables: `jixiao.open_dataset`
# DuckDB views over the run's Parquet files: `forms`, `indicators`, `targets_vs_actuals`,
# `problems`. Which departments lowered a satisfaction target from one year to the next?

# %%
data = jixiao.open_dataset(OUT)
lowered = data.sql(
    """
    SELECT DISTINCT a.department_key, a.indicator_key,
           a.year, a.value AS target, b.year AS next_year, b.value AS next_target
    FROM indicators a JOIN indicators b USING (department_key, indicator_key)
    WHERE b.year = a.year + 1 AND a.indicator_key LIKE '%满意度%' AND b.value < a.value
    ORDER BY 1, 2
    """
)
print(lowered.to_string(index=False))
assert set(lowered["department_key"]) == {"芷江侗族自治县人民政府办公室", "衡阳市人民政府办公室"}

# %% [markdown]
# And the self-evaluations: how many indicators met their target, per department and year?

# %%
panel = data.targets_vs_actuals
print(panel.groupby(["department_key", "year"])["achieved"].agg(["sum", "count"]))
data.close()
