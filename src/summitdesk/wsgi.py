import os

from django.core.wsgi import get_wsgi_application

from summitdesk.lib import heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitdesk.settings")
application = get_wsgi_application()
heap.settle()
