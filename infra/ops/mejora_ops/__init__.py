"""Operator commands of Mejora en Red: ``python -m mejora_ops backup|restore`` (``make backup``, ``make restore``).

See the README, "Operating it": what an archive holds, the schedule, the restore drill and key rotation.
"""
