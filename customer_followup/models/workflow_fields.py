"""Fields a record's own steps set, refused to every other writer.

A follow-up's reference, its state, when it was done and who reviewed it;
an anomaly's escalation flags, who approved its plan, when it was closed:
these are set by the model's buttons and jobs, after their checks, and a
person or an integration writing them directly would bypass the workflow.
Each model lists them in ``_workflow_fields()``; its ``write()`` and
``create()`` refuse them, and the fields the ORM computes, with
:func:`refuse_workflow_fields`, and ``create()`` leaves out the defaults a
context gives them (:func:`without_context_defaults`). The model's own steps write them through
its private ``_write_workflow()``, which calls the ORM's ``write()`` past
that refusal; being private, it cannot be called over RPC.
"""

from odoo.exceptions import UserError


def is_computed(field):
    """A field the ORM computes and nobody writes: computed or related,
    read-only, with no inverse (a write would store a value its compute
    does not give, or write through to the related record)."""
    return bool(field.compute and field.readonly and not field.inverse)


def protected_fields(model):
    """Names of the fields of ``model`` no client may write."""
    return set(model._workflow_fields()) | {
        name for name, field in model._fields.items() if is_computed(field)
    }


def _starting_value(model, field):
    return field.default(model) if field.default else False


def refuse_workflow_fields(records, vals, new=False):
    """Refuse ``vals`` that set a workflow field or a computed one, unless
    the superuser writes them (scheduled jobs, data files, migrations).

    :param bool new: ``vals`` create a record: a workflow field may be left
        empty or given its starting value (the first state, the placeholder
        reference), as clients sending every field of a form do
    """
    env = records.env
    if env.su:
        return
    workflow = set(records._workflow_fields())
    for name, value in vals.items():
        field = records._fields.get(name)
        if field is None or (name not in workflow and not is_computed(field)):
            continue
        if new and (not value or value == _starting_value(records, field)):
            continue
        raise UserError(
            env._(
                "%(field)s is filled in by the application and cannot be written.",
                field=field._description_string(env),
            )
        )


def without_context_defaults(records, fnames):
    """``records`` to create with: defaults the caller's context gives for
    ``fnames`` (``default_state``, ``default_closed_at``…) are left out, so
    that a new record starts from its own (first state, drawn reference)
    whatever the context says. The superuser's code keeps its context."""
    context = records.env.context
    keys = {f"default_{name}" for name in fnames} & set(context)
    if records.env.su or not keys:
        return records
    # The context is replaced on purpose: keyword arguments can add keys to
    # it, not take them out.
    # pylint: disable-next=context-overridden
    return records.with_context({key: value for key, value in context.items() if key not in keys})
