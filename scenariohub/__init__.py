"""ScenarioHub (场景通): the platform of Sichuan's AI application scenario programme."""
