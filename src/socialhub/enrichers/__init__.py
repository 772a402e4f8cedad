"""Pipeline stages (enrichers): one module or package per stage, registered in builtins.py."""
