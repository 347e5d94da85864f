from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "faelles.feedback"
    label = "feedback"
    verbose_name = _("Answers and feedback")

    def ready(self) -> None:
        # The cached feedback panel shows the names of the people who wrote answers: not
        # municipal content, so core's signals do not invalidate it (see
        # faelles.feedback.panels). Core bumps on Municipality saves (the staff-names setting).
        from django.conf import settings
        from django.db.models.signals import post_save, pre_delete

        from faelles.feedback import panels

        post_save.connect(panels.answer_author_saved, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="feedback_answer_author_saved")
        pre_delete.connect(panels.answer_author_deleting, sender=settings.AUTH_USER_MODEL,
                           dispatch_uid="feedback_answer_author_deleting")
