from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "faelles.participation"
    label = "participation"
