"""Reads rootcamp's grades as a grading tool would: JUnit files with junitparser, the CSV with Python's csv module."""
import csv
import json
import sys

from junitparser import Failure, JUnitXml, Skipped

out = {"junit": [], "csv": None}
for path in sys.argv[2:]:
    xml = JUnitXml.fromfile(path)
    for suite in xml:
        cases = []
        for case in suite:
            kinds = [type(result).__name__ for result in case.result]
            messages = [result.message for result in case.result if isinstance(result, (Failure, Skipped))]
            cases.append({"name": case.name, "classname": case.classname, "results": kinds, "messages": messages, "text": [result.text for result in case.result]})
        out["junit"].append({"file": path, "suite": suite.name, "tests": suite.tests, "failures": suite.failures, "skipped": suite.skipped, "cases": cases})
if sys.argv[1] != "-":
    with open(sys.argv[1], newline="") as handle:
        out["csv"] = list(csv.DictReader(handle))
print(json.dumps(out))
