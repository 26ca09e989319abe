"""Stores, staff and their sessions."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table


class Store(Table, tablename="store"):
    id = Serial(primary_key=True)
    code = Varchar(length=20, unique=True, help_text="the chain's own store code, e.g. XX031")
    name = Varchar(length=100)
    kind = Varchar(length=20, help_text="flagship, community, township or franchise")
    region = Varchar(length=60, default="")
    timezone = Varchar(length=60, default="Asia/Shanghai")
    grade = Varchar(length=1, default="B", help_text="A/B/C from the monthly store ranking")
    address = Varchar(length=200, default="")
    active = Boolean(default=True)
    created_at = Timestamptz()


class Staff(Table, tablename="staff"):
    id = Serial(primary_key=True)
    username = Varchar(length=60, unique=True)
    display_name = Varchar(length=60)
    employee_no = Varchar(length=30, null=True, default=None, unique=True, help_text="工号 used by POS exports")
    role = Varchar(length=10, help_text="clerk, manager or admin")
    store = ForeignKey(references=Store, null=True, on_delete=OnDelete.restrict)
    password_hash = Varchar(length=200)
    active = Boolean(default=True)
    created_at = Timestamptz()
    deactivated_at = Timestamptz(null=True, default=None)


class StaffSession(Table, tablename="staff_session"):
    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    staff = ForeignKey(references=Staff, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    ip = Varchar(length=64, null=True, default=None)
    user_agent = Varchar(length=200, null=True, default=None)
