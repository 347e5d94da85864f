from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "faelles.feedback"
    label = "feedback"
