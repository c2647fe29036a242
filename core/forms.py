"""The house style of every form: Bootstrap classes, ISO date pickers, amounts in 万元, and input
typed with a Chinese input method (full-width digits and letters) read as if typed half-width."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from .money import FEN, WAN
from .text import normalise_number, normalise_width


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs["class"] = "form-check-input"
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class DatePicker(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class WidthNormalisingMixin:
    """A field that reads full-width input (９１１１…Ｌ, １３８００…, １２．５) as half-width before
    validating it, so a code, phone number or amount typed with a Chinese input method is not
    refused as "characters not allowed"."""

    normalise = staticmethod(normalise_width)

    def to_python(self, value):
        if isinstance(value, str):
            value = self.normalise(value)
        return super().to_python(value)


class NumberNormalisingMixin(WidthNormalisingMixin):
    normalise = staticmethod(normalise_number)


class CodeField(WidthNormalisingMixin, forms.CharField):
    """A code (credit code, contract number): full-width letters and digits made half-width."""


class PhoneField(WidthNormalisingMixin, forms.CharField):
    """A telephone number; its pattern, if any, is checked after full-width digits are made
    half-width."""

    def __init__(self, *, pattern=None, **kwargs):
        super().__init__(**kwargs)
        if pattern is not None:
            self.validators.append(RegexValidator(pattern))


class IntegerField(NumberNormalisingMixin, forms.IntegerField):
    pass


class DecimalField(NumberNormalisingMixin, forms.DecimalField):
    pass


class FloatField(NumberNormalisingMixin, forms.FloatField):
    pass


# Every number field a ModelForm generates becomes its full-width-tolerant twin (see
# PortalFormMixin), so no number field in the portal can forget it.
_TOLERANT_NUMBER_FIELDS = {
    forms.IntegerField: IntegerField,
    forms.DecimalField: DecimalField,
    forms.FloatField: FloatField,
}


def _tolerate_full_width(form):
    for field in form.fields.values():
        tolerant = _TOLERANT_NUMBER_FIELDS.get(type(field))
        if tolerant is not None:
            # Same field, same arguments: only to_python() gains the normaliser.
            field.__class__ = tolerant


def _empty_choice_labels(form, label):
    """Django's "---------" blank choice reads as words (请选择) in every select."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "" and choices[0][1] == BLANK_CHOICE_DASH[0][1]:
                field.choices = [("", label), *choices[1:]]


class PortalFormMixin:
    """Bootstrap classes on every widget; errors are shown beside each field; number fields
    read full-width input."""

    # What an empty select says; a search form may say 全部 instead.
    empty_choice_label = _("Please choose")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        _tolerate_full_width(self)
        _empty_choice_labels(self, self.empty_choice_label)


class FilterForm(PortalFormMixin, forms.Form):
    """The base form of a FilterSet: the same full-width tolerance as every other form."""


class WanField(NumberNormalisingMixin, forms.DecimalField):
    """Entered and shown in 万元, stored in yuan: converted exactly with Decimal."""

    def __init__(self, *, max_wan=None, min_wan=None, **kwargs):
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("max_digits", 18)
        super().__init__(min_value=min_wan, max_value=max_wan, **kwargs)
        self.widget.attrs.setdefault("step", "0.01")
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        # Initial data is in yuan; a re-shown bound value is already in 万元 (a string).
        if isinstance(value, Decimal):
            return format((value / WAN).normalize(), "f")
        return value

    def clean(self, value):
        wan = super().clean(value)
        if wan is None:
            return None
        yuan = wan * WAN
        if yuan != yuan.quantize(FEN):
            raise ValidationError(
                _("Enter at most 6 decimal places of ten-thousand yuan (down to one fen)."),
                code="precision",
            )
        return yuan.quantize(FEN)
