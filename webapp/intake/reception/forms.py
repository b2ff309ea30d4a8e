from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class ReceptionForm(FlaskForm):
    """An oral appeal solved on the spot: the reception protocol entry (Art. 23)."""

    mahalla = SelectField(_l("Mahalla"), validators=[InputRequired(_l("Choose the mahalla."))])
    citizen_name = StringField(
        _l("Citizen's full name"), validators=[InputRequired(_l("Enter the citizen's name.")), Length(max=200)]
    )
    residence = StringField(
        _l("Place of residence"), validators=[InputRequired(_l("Enter the place of residence.")), Length(max=300)]
    )
    summary = TextAreaField(
        _l("Summary of the appeal"),
        validators=[InputRequired(_l("Enter a summary of the appeal.")), Length(max=4000)],
        render_kw={"rows": 3},
    )
    result = TextAreaField(
        _l("Result"),
        validators=[InputRequired(_l("Enter how the appeal was solved.")), Length(max=4000)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args: object, mahallas: list | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mahalla.choices = [SelectChoice(m.code, m.name) for m in (mahallas or [])]
