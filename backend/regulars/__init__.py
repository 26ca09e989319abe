"""Regulars (门店熟客): store O2O customer management for telecom retail chains."""

import os

os.environ.setdefault("PICCOLO_CONF", "regulars.piccolo_conf")
