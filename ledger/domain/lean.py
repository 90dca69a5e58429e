"""Events that cost what they carry, for the aggregates on the write path's hot path.

The library's `@event` makes each event type a frozen dataclass and, for every command,
coerces the call's arguments to keywords by inspecting the method's signature, filters them
again for the event class and again for the method, and sets each field through
`object.__setattr__`: about a quarter of the writer's time in a profile of submissions,
approvals and payments (docs/BENCHMARKS.md). The library needs only its domain-event protocol
(`originator_id`, `originator_version`, `timestamp`, `mutate`) and, to store an event, its
`__dict__` (the mapper encodes `vars(event)`). So an event here is a plain object whose
`__dict__` is its state, laid out once from the parameter names read at class creation, and
applied by calling the command method's body once.

The stored bytes are the library's, key for key and in the same order (timestamp,
`originator_topic` for a creation, then the method's parameters in order, every default
filled in), so events stored before and after this module are one format and the keyed chain
over them is unchanged (tests/test_write_path_record.py compares them byte for byte).

Usage, as with the library: `@event("Approved")` on a command method defines `Approved` on
the aggregate class; `@event(Submitted)` takes an explicit class (for `class_version` and
upcasters). The creation event is declared with `creation(Submitted)` on `__init__`."""
from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, Callable
from uuid import UUID

from eventsourcing.domain import Aggregate, MetaAggregate, OriginatorIDError, OriginatorVersionError
from eventsourcing.utils import get_topic, resolve_topic

_UTC = dt.timezone.utc
_now = dt.datetime.now


class Event:
    """A recorded fact about one aggregate: its `__dict__` is exactly its stored state."""

    # Read by the library's mapper to revive the stored id (not dataclass fields: nothing here is).
    originator_id: UUID
    originator_version: int
    timestamp: dt.datetime
    apply_method: Callable[..., None]  # the command method's body: how the event changes its aggregate
    parameters: tuple[str, ...] = ()  # the method's parameters after `self`: the state's keys after the timestamp

    def __init__(self, **state: Any):
        self.__dict__.update(state)

    @staticmethod
    def create_timestamp() -> dt.datetime:
        return _now(_UTC)

    def mutate(self, aggregate: Any) -> Any:
        state = self.__dict__
        if state["originator_id"] != aggregate._id:
            raise OriginatorIDError(state["originator_id"], aggregate._id)
        if state["originator_version"] != aggregate._version + 1:
            raise OriginatorVersionError(state["originator_version"], aggregate._version + 1)
        # Events stored before a parameter existed lack it: the method's default applies, as
        # the library's own events do.
        self.apply_method(aggregate, **{name: state[name] for name in self.parameters if name in state})
        aggregate._version = state["originator_version"]
        aggregate._modified_on = state["timestamp"]
        return aggregate

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__qualname__}({fields})"


class Created(Event):
    """The first event of an aggregate: it makes the aggregate."""

    def mutate(self, aggregate: Any) -> Any:
        assert aggregate is None, "a creation event starts an aggregate"
        state = self.__dict__
        cls = resolve_topic(state["originator_topic"])
        made = cls.__new__(cls)
        made._id = state["originator_id"]
        made._version = state["originator_version"]
        made._created_on = made._modified_on = state["timestamp"]
        made._pending_events = []
        kwargs = {name: state[name] for name in self.parameters if name in state}
        if self.passes_id:
            kwargs["id"] = state["originator_id"]
        self.apply_method(made, **kwargs)
        return made

    passes_id = False  # whether the aggregate's __init__ takes the id


class _Signature:
    """A method's parameters after `self`, read once: names in order and defaults."""

    def __init__(self, func: Callable, *, skip: tuple[str, ...] = ()):
        params = [p for p in list(inspect.signature(func).parameters.values())[1:] if p.name not in skip]
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{func.__qualname__}: an event's method takes named parameters only")
        self.names = tuple(p.name for p in params)
        self.defaults = {p.name: p.default for p in params if p.default is not p.empty}
        self.qualname = func.__qualname__

    def state(self, head: dict, args: tuple, kwargs: dict) -> dict:
        """`head` followed by every parameter, in order, defaults filled in."""
        if args:
            if len(args) > len(self.names):
                raise TypeError(f"{self.qualname}() takes {len(self.names)} arguments, {len(args)} given")
            for name, value in zip(self.names, args):
                if name in kwargs:
                    raise TypeError(f"{self.qualname}() got multiple values for argument {name!r}")
                kwargs[name] = value
        for name in self.names:
            if name in kwargs:
                head[name] = kwargs.pop(name)
            elif name in self.defaults:
                head[name] = self.defaults[name]
            else:
                raise TypeError(f"{self.qualname}() missing required argument {name!r}")
        if kwargs:
            raise TypeError(f"{self.qualname}() got unexpected arguments {sorted(kwargs)}")
        return head


class _Command:
    """A command method that records its event: calling it makes the event, applies it with
    the method's body and adds it to the aggregate's pending events."""

    def __init__(self, spec: str | type[Event], func: Callable):
        self.spec, self.func = spec, func
        self.signature = _Signature(func)
        self.event_class: type[Event] | None = None

    def __set_name__(self, owner: type, attr: str) -> None:
        if isinstance(self.spec, str):
            cls = type(self.spec, (Event,), {"__module__": owner.__module__,
                                              "__qualname__": f"{owner.__qualname__}.{self.spec}"})
            setattr(owner, self.spec, cls)
        else:
            cls = self.spec
        if issubclass(cls, Created):
            raise TypeError(f"{cls.__qualname__} is a creation event: declare it with creation() on __init__")
        cls.apply_method = staticmethod(self.func)
        cls.parameters = self.signature.names
        self.event_class = cls

    def __get__(self, aggregate: Any, owner: type | None = None) -> Any:
        if aggregate is None:
            return self
        return _Bound(self, aggregate)


class _Bound:
    __slots__ = ("command", "aggregate")

    def __init__(self, command: _Command, aggregate: Any):
        self.command, self.aggregate = command, aggregate

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        aggregate, command = self.aggregate, self.command
        cls = command.event_class
        state = command.signature.state({"originator_id": aggregate._id, "originator_version": aggregate._version + 1,
                                         "timestamp": _now(_UTC)}, args, kwargs)
        recorded = cls.__new__(cls)
        recorded.__dict__ = state
        recorded.mutate(aggregate)
        aggregate._pending_events.append(recorded)


def event(spec: str | type[Event]) -> Callable[[Callable], _Command]:
    """`@event("Name")` or `@event(ExplicitClass)` on a command method of a LeanAggregate."""
    if isinstance(spec, type) and not issubclass(spec, Event):
        raise TypeError(f"{spec.__qualname__} is not a lean event class")

    def decorate(func: Callable) -> _Command:
        return _Command(spec, func)

    return decorate


def creation(cls: type[Created]) -> Callable[[Callable], Callable]:
    """On a LeanAggregate's `__init__`: `Aggregate(**fields)` records `cls` and makes the
    aggregate from it. The method itself stays the plain function (the metaclass reads it)."""

    def decorate(func: Callable) -> Callable:
        func.__lean_creation__ = cls
        return func

    return decorate


class _LeanMeta(MetaAggregate):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        created = cls._creation
        # The id is the aggregate's, not the event state's (the library's rule): given by
        # name, or made by the class.
        originator_id = kwargs.pop("id", None)
        if originator_id is None:
            originator_id = cls.create_id()
        head = cls._creation_signature.state({"originator_id": originator_id, "originator_version": 1,
                                              "timestamp": _now(_UTC), "originator_topic": cls._topic}, args, kwargs)
        recorded = created.__new__(created)
        recorded.__dict__ = head
        made = recorded.mutate(None)
        made._pending_events.append(recorded)
        return made


class LeanAggregate(Aggregate, metaclass=_LeanMeta):
    """An aggregate whose events are lean (this module): the library's repository, snapshots
    and recorders take it as they take any aggregate."""

    _creation: type[Created]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        created = getattr(init, "__lean_creation__", None)
        if created is None:
            raise TypeError(f"{cls.__qualname__}.__init__ needs @creation(EventClass)")
        signature = _Signature(init, skip=("id",))
        created.apply_method = staticmethod(init)
        created.parameters = signature.names
        created.passes_id = "id" in inspect.signature(init).parameters
        cls._creation = created
        cls._creation_signature = signature
        cls._topic = get_topic(cls)
