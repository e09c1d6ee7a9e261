"""Uploading a spreadsheet of nominations collected elsewhere: organisers only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from awards.api.parsers import MultiPartParser
from awards.api.permissions import ActionRules, any_organiser
from awards.selectors import programmes_visible_to

from ..importers import COLUMNS, import_nominations
from ..models import Nomination


class NominationImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The .xlsx workbook or .csv file; the first row holds the headers")
    programme = serializers.SlugField(help_text="Programme slug")
    dry_run = serializers.BooleanField(
        default=True, help_text="Check every row and write nothing (the default); false imports them all or none"
    )
    mapping = serializers.JSONField(
        default=dict,
        help_text='Your headers to fields, e.g. {"First name": "legal_first_name"}; "" ignores a column. Fields: '
        + ", ".join(c.field for c in COLUMNS),
    )

    values = serializers.JSONField(
        default=dict,
        help_text='A value for every row of a field the file has no column for, e.g. {"known in the last 12 months": "yes"}',
    )
    categories = serializers.JSONField(
        default=dict,
        help_text='The form\'s own award names to categories (name or slug), e.g. {"Carer of the year": "PROUD+"}; '
        'names and slugs however spelt ("PROUD Plus" for "PROUD+") need none',
    )

    def validate_mapping(self, value):
        return _text_object(value, 'Give the mapping as a JSON object of headers to fields, e.g. {"DOB": "date_of_birth"}.')

    def validate_values(self, value):
        return _text_object(value, 'Give the values as a JSON object of fields to values, e.g. {"known in the last 12 months": "yes"}.')

    def validate_categories(self, value):
        return _text_object(value, 'Give the award names as a JSON object of the form\'s names to categories, e.g. {"Carer of the year": "PROUD+"}.')


def _text_object(value, message: str) -> dict:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise serializers.ValidationError(message)
    return value


class RefusalSerializer(serializers.Serializer):
    """A refusal of the request as a whole."""

    detail = serializers.CharField(help_text="What is wrong and what to do about it")
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False, help_text="The input at fault, when there is one")


class ImportProblemSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The file's header for the field, or empty for the row as a whole")
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as the spreadsheet shows it (the header is row 1)")
    accepted = serializers.BooleanField()
    reference = serializers.CharField(allow_null=True, help_text="Set once the import is committed")
    problems = ImportProblemSerializer(many=True)


class ImportColumnSerializer(serializers.Serializer):
    header = serializers.CharField(help_text="The file's header")
    field = serializers.CharField(help_text="The field it is read into")
    label = serializers.CharField(help_text="The field's name for people")


class ImportValueSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(help_text="As given; every row gets it")


class ImportAwardSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The form's award name")
    category = serializers.CharField(help_text="The slug of the category it is read as")


class ImportReportSerializer(serializers.Serializer):
    message = serializers.CharField()
    dry_run = serializers.BooleanField()
    committed = serializers.BooleanField()
    total = serializers.IntegerField()
    accepted = serializers.IntegerField()
    refused = serializers.IntegerField()
    columns = ImportColumnSerializer(many=True, help_text="How the file was read: each header and its field")
    ignored_columns = serializers.ListField(child=serializers.CharField())
    values = ImportValueSerializer(many=True)
    categories = ImportAwardSerializer(many=True)
    rows = ImportRowSerializer(many=True)


class NominationImportViewSet(viewsets.GenericViewSet):
    queryset = Nomination.objects.none()
    serializer_class = NominationImportSerializer
    parser_classes = [MultiPartParser]
    # Token first, so a request without credentials gets 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [ActionRules]
    action_rules = {"create": any_organiser}
    refusal_messages = {"create": "Only organisers of this programme can import nominations."}

    @extend_schema(
        request={"multipart/form-data": NominationImportSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="Every row accepted: checked (dry run) or imported."),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Rows refused: the import report (as for 200) naming each row, column and reason; "
                "nothing was written. Or the request itself refused: {detail, code} or field errors name the problem.",
            ),
            403: OpenApiResponse(RefusalSerializer, description="Not an organiser of the programme."),
            404: OpenApiResponse(RefusalSerializer, description="No such programme."),
            413: OpenApiResponse(RefusalSerializer, description="The file, its rows or its expanded workbook are too large."),
        },
    )
    def create(self, request):
        """Import nominations from an .xlsx or .csv file, e.g. an online form's export.

        A dry run by default: every row is checked exactly as the import would and reported
        as accepted or refused with the reason. With dry_run=false every row is imported,
        or none when any is refused. Imported nominations e-mail no one."""
        payload = NominationImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        programme = programmes_visible_to(request.user).filter(slug=data["programme"]).first()
        if programme is None:
            raise NotFound(f"There is no programme '{data['programme']}'.")
        report = import_nominations(
            file=data["file"],
            filename=data["file"].name,
            programme=programme,
            user=request.user,
            mapping=data["mapping"],
            values=data["values"],
            categories=data["categories"],
            dry_run=data["dry_run"],
        )
        return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST if report.refused else status.HTTP_200_OK)
