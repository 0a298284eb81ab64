from django.contrib import admin

from agora.courses.models import (
    Attempt,
    Choice,
    Cohort,
    Course,
    KnowledgeCheck,
    Lesson,
    LessonAttachment,
    LessonPrompt,
    Question,
)


class CohortInline(admin.TabularInline):
    model = Cohort
    raw_id_fields = ["space"]
    extra = 0


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["position", "title", "is_published"]
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["instructors", "created_by"]
    exclude = ["summary_html"]
    inlines = [CohortInline, LessonInline]


class AttachmentInline(admin.TabularInline):
    model = LessonAttachment
    fields = ["name", "content_type", "size", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class PromptInline(admin.TabularInline):
    model = LessonPrompt
    raw_id_fields = ["cohort", "thread"]
    extra = 0


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position", "is_published"]
    list_filter = ["is_published"]
    list_select_related = ["course"]
    search_fields = ["title"]
    raw_id_fields = ["course", "created_by"]
    exclude = ["content_html"]
    inlines = [AttachmentInline, PromptInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "knowledge_check", "position"]
    raw_id_fields = ["knowledge_check"]
    inlines = [ChoiceInline]


@admin.register(KnowledgeCheck)
class KnowledgeCheckAdmin(admin.ModelAdmin):
    list_display = ["lesson", "passing_score"]
    raw_id_fields = ["lesson"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "knowledge_check", "cohort", "score", "passed", "created_at"]
    list_filter = ["passed"]
    list_select_related = ["user", "knowledge_check__lesson", "cohort__space"]
    raw_id_fields = ["user", "knowledge_check", "cohort"]
