"""Demo organization for `make run` and `agora demo` (filled in by build_demo)."""

DEMO_PASSWORD = "agora-demo-2026"  # noqa: S105 (printed; demo data is refused in production)
DEMO_LOGINS = [
    ("admin@demo.agora.test", "Org admin"),
]
