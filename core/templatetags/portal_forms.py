"""Form accessibility helpers for templates: the error summary's items, each linked to its field."""

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class ErrorItem:
    label: str
    message: str
    # The id of the control the summary links to ("" for an error of the whole form).
    target: str


def _target_id(bound_field) -> str:
    """The control a person lands on: the field itself, or a group's first choice."""
    if not bound_field.auto_id:
        return ""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


@register.simple_tag
def error_items(*forms_):
    """Every error of the given forms, whole-form errors first, then each field's in page order.
    Errors of hidden fields are whole-form errors: there is nothing to link to."""
    items = []
    for form in forms_:
        if not form or not getattr(form, "errors", None):
            continue
        for message in form.non_field_errors():
            items.append(ErrorItem(label="", message=message, target=""))
        for bound_field in form:
            for message in bound_field.errors:
                if bound_field.is_hidden:
                    items.append(ErrorItem(label="", message=message, target=""))
                else:
                    items.append(
                        ErrorItem(
                            label=str(bound_field.label),
                            message=message,
                            target=_target_id(bound_field),
                        )
                    )
    return items
