from tests.support.acquisition import acq_server, push_service, sms_gateway  # noqa: F401
