"""The hosted returns portal: customer pages served by the app under /portal/<shop>/."""
