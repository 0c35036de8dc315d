from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

#: Larger files are refused at upload; the command line has no such limit.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".txt", ".xlsx")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Organisations file (CSV or XLSX)"),
        help_text=_("At most 20 MB. The first row names the columns, as in the template."),
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Choose a CSV or XLSX file."))
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is larger than 20 MB: split it, or import it from the command line.")
            )
        return upload


class ImportConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("all", _("Import all")), ("valid", _("Only the valid rows"))]
    )
