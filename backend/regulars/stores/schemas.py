"""Request and response shapes of stores, staff and login."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

StoreKind = Literal["flagship", "community", "township", "franchise"]
Role = Literal["clerk", "manager", "admin"]
Grade = Literal["A", "B", "C"]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Username = Annotated[str, msgspec.Meta(min_length=2, max_length=60, pattern=r"^[A-Za-z0-9_.@-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=200)]


class StoreCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: StoreKind
    region: Annotated[str, msgspec.Meta(max_length=60)] = ""
    timezone: Annotated[str, msgspec.Meta(max_length=60)] = "Asia/Shanghai"
    grade: Grade = "B"
    address: Annotated[str, msgspec.Meta(max_length=200)] = ""


class Store(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str
    region: str
    timezone: str
    grade: str
    address: str
    active: bool


class StaffCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    role: Role
    password: Password
    store_id: int | None = None
    employee_no: Annotated[str, msgspec.Meta(min_length=1, max_length=30)] | None = None


class StaffUpdate(msgspec.Struct, forbid_unknown_fields=True):
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    store_id: int | None | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET


class Staff(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: str
    store_id: int | None
    employee_no: str | None
    active: bool


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=60)]
    password: Annotated[str, msgspec.Meta(max_length=200)]


class Me(msgspec.Struct):
    staff_id: int
    username: str
    display_name: str
    role: str
    store_id: int | None
    store_name: str | None
    timezone: str


class LoginResult(msgspec.Struct):
    me: Me
    csrf_token: str
    session_expires_idle_minutes: int
    at: dt.datetime
