"""Panels, assignments, reviews and shortlists through the API; members get the redacted card only."""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.models import Criterion
from nominations.validation import validate_multiline

from ..cards import nomination_card
from ..enums import AssignmentStrategy, PanelRole
from ..models import Assignment, Panel, PanelMember, Review, Shortlist
from ..selectors import other_reviews_visible
from ..services import Decision


class PanelMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = PanelMember
        fields = ["id", "username", "role", "is_young_person"]


class PanelSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Panel
        fields = ["id", "programme", "name", "categories", "strategy", "reviewers_per_nomination", "deadline"]


class PanelOrganiserSerializer(PanelSerializer):
    members = PanelMemberSerializer(many=True, read_only=True)

    class Meta(PanelSerializer.Meta):
        fields = PanelSerializer.Meta.fields + ["members"]


class PanelCreateSerializer(serializers.Serializer):
    programme = serializers.SlugField()
    name = serializers.CharField(max_length=120)
    categories = serializers.ListField(child=serializers.SlugField(), min_length=1)
    strategy = serializers.ChoiceField(choices=AssignmentStrategy.choices, default=AssignmentStrategy.EVERYONE)
    reviewers_per_nomination = serializers.IntegerField(min_value=1, max_value=50, default=3)
    deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)


class PanelMemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(required=False, allow_blank=True, default="", help_text="An existing account")
    email = serializers.EmailField(required=False, allow_blank=True, default="", help_text="Or invite by e-mail")
    role = serializers.ChoiceField(choices=PanelRole.choices, default=PanelRole.MEMBER)
    is_young_person = serializers.BooleanField(default=False)
    is_care_experienced = serializers.BooleanField(default=False)
    carer_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    area = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    allocated_worker = serializers.CharField(required=False, allow_blank=True, default="", help_text="Username")

    def validate(self, attrs):
        if not attrs["username"] and not attrs["email"]:
            raise serializers.ValidationError("Give an existing username or an e-mail address to invite.")
        return attrs


class ConflictDeclareSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", validators=[validate_multiline])


class ConflictRecordedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happened, for the person")


class OrganiserConflictSerializer(ConflictDeclareSerializer):
    member = serializers.IntegerField()
    nominee = serializers.IntegerField()


class RubricCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "guidance", "weight", "max_score"]


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    value = serializers.IntegerField()


class ReviewSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["status", "comment", "submitted_at", "scores"]


class OtherReviewSerializer(ReviewSerializer):
    member = serializers.CharField(source="assignment.member.user.username")

    class Meta(ReviewSerializer.Meta):
        fields = ["member", *ReviewSerializer.Meta.fields]


class CardSerializer(serializers.Serializer):
    label = serializers.CharField()
    category = serializers.CharField()
    announce_name = serializers.CharField(allow_null=True, help_text="Null under blind review")
    achievement = serializers.CharField()
    why_it_matters = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    """A member's view of one assigned nomination: no identity, no nominator."""

    panel = serializers.CharField(source="panel.name")
    category = serializers.SlugRelatedField(source="nomination.category", slug_field="slug", read_only=True)
    nomination = serializers.SerializerMethodField()
    criteria = RubricCriterionSerializer(source="nomination.category.criteria", many=True, read_only=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "panel", "category", "nomination", "criteria", "review"]

    # One nested serializer for every row of a list: building a ModelSerializer's fields for each
    # of 50 cards was a third of the queue's time.
    @cached_property
    def _card(self) -> CardSerializer:
        return CardSerializer()

    @cached_property
    def _review(self) -> ReviewSerializer:
        return ReviewSerializer()

    @extend_schema_field(CardSerializer)
    def get_nomination(self, assignment):
        card = nomination_card(assignment.nomination, blind=assignment.panel.programme.blind_review)
        return self._card.to_representation(card)

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, assignment):
        review = getattr(assignment, "review", None)
        return self._review.to_representation(review) if review else None


class AssignmentDetailSerializer(AssignmentSerializer):
    other_reviews = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = AssignmentSerializer.Meta.fields + ["other_reviews"]

    @extend_schema_field(OtherReviewSerializer(many=True))
    def get_other_reviews(self, assignment):
        return OtherReviewSerializer(other_reviews_visible(assignment), many=True).data


class ReviewInputSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.IntegerField(), help_text="Criterion id -> score", required=False, default=dict
    )
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", validators=[validate_multiline])
    submit = serializers.BooleanField(default=False)

    def validate_scores(self, value):
        try:
            return {int(key): score for key, score in value.items()}
        except ValueError as exc:
            raise serializers.ValidationError("Score keys must be criterion ids.") from exc


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    label = serializers.CharField()
    nomination = serializers.IntegerField(source="nomination.pk")
    weighted_total = serializers.FloatField(allow_null=True)
    normalised_total = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True)
    coverage = serializers.CharField()
    submitted = serializers.IntegerField()
    assigned = serializers.IntegerField()
    tied = serializers.BooleanField()
    high_disagreement = serializers.BooleanField()
    criterion_means = serializers.DictField(child=serializers.FloatField())
    status = serializers.CharField(source="nomination.status")
    proposed = serializers.BooleanField()


class RankingOrganiserRowSerializer(RankingRowSerializer):
    reference = serializers.CharField(source="nomination.reference")
    announce_name = serializers.CharField()


class ShortlistSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    finalists = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Shortlist
        fields = ["category", "state", "finalists", "proposed_at", "confirmed_at"]


class ProposeSerializer(serializers.Serializer):
    nominations = serializers.ListField(child=serializers.IntegerField(), max_length=100)
    despite_gaps = serializers.BooleanField(
        required=False, default=False,
        help_text="Propose although the panel has not fully scored every nomination (a 409 lists them otherwise)",
    )


class DecisionSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=Decision.CHOICES)
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True, validators=[validate_multiline])


class ConfirmSerializer(serializers.Serializer):
    decisions = DecisionSerializer(
        many=True, required=False, default=list, max_length=500,
        help_text="For each nomination the panel has not fully scored and nobody proposed: hold it back, or reject it with a reason",
    )

    def validate_decisions(self, value):
        seen = [d["nomination"] for d in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Give one decision per nomination.")
        return value


class GapSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(help_text="The nomination's id (as in the ranking)")
    assigned = serializers.IntegerField(help_text="Members assigned to score it (without a conflict)")
    submitted = serializers.IntegerField(help_text="Of them, how many submitted scores")


class CoverageIncompleteSerializer(serializers.Serializer):
    """409: the shortlist's state does not allow it: already confirmed (`locked`), or nominations
    the panel has not fully scored, which need a decision first (`coverageincomplete`, listed)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)
    nominations = GapSerializer(many=True, required=False, help_text="With coverageincomplete: the nominations not fully scored")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[validate_multiline])


class ResultsSerializer(serializers.Serializer):
    winner = serializers.IntegerField()
    highly_commended = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class ProgressSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.user.username")
    role = serializers.CharField(source="member.role")
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    left = serializers.IntegerField()
