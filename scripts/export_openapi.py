"""Write the API's OpenAPI document to ``openapi.json`` at the repository root.

    python scripts/export_openapi.py

The committed file is what clients and reviewers read; ``tests/config/test_api.py`` fails
when the generated schema drifts from it, and tells you to run this script.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "openapi.json"


def render_schema() -> str:
    """The schema as committed: sorted keys, two-space indent, UTF-8, final newline."""
    from xinan.config.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.config.settings_test")
    import django

    django.setup()
    OUTPUT.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
