"""WeChat sign-in through allauth's Weixin provider (issue 3), with WeChat's HTTP API stubbed."""

import logging
import re
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from branches.actions import member_create
from branches.models import Member
from tests.accounts.test_worker_signup import sent_code
from tests.conftest import make_user

User = get_user_model()
LOGIN = "/accounts/weixin/login/"
CALLBACK = "/accounts/weixin/login/callback/"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def wechat_app(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "weixin": {
            "APPS": [{"client_id": "wx-test-app", "secret": "wx-test-secret"}],
            "SCOPE": ["snsapi_login"],
        }
    }


def fake_response(payload):
    response = mock.create_autospec(requests.Response, instance=True)
    response.status_code = 200
    response.json.return_value = payload
    response.content = b"{}"
    response.raise_for_status.return_value = None
    return response


@pytest.fixture
def wechat_api():
    """WeChat's token and user-info endpoints, stubbed at requests' Session.request."""

    def answer(session, method, url, **kwargs):
        if url == "https://api.weixin.qq.com/sns/oauth2/access_token":
            sent = kwargs.get("params") or kwargs.get("data")  # allauth POSTs the form
            assert sent["code"] == "wx-code" and sent["secret"] == "wx-test-secret"
            assert sent["appid"] == "wx-test-app"
            return fake_response({"access_token": "ACCESS", "expires_in": 7200, "openid": OPENID})
        if url == "https://api.weixin.qq.com/sns/userinfo":
            assert kwargs["params"] == {"access_token": "ACCESS", "openid": OPENID}
            return fake_response({"openid": OPENID, "nickname": "小王", "headimgurl": ""})
        raise AssertionError(f"unexpected HTTP call {method} {url}")

    with mock.patch.object(
        requests.Session, "request", autospec=True, side_effect=answer
    ) as request:
        yield request


def start_and_call_back(client):
    response = client.post(LOGIN)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.netloc == "open.weixin.qq.com"
    query = parse_qs(target.query)
    assert query["appid"] == ["wx-test-app"]
    return client.get(CALLBACK, {"code": "wx-code", "state": query["state"][0]})


@pytest.mark.django_db
def test_no_wechat_button_without_app_credentials(client):
    for url in (reverse("account_login"), reverse("account_signup")):
        assert "使用微信登录" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_wechat_login_without_app_is_not_found(client):
    assert client.post(LOGIN).status_code == 404


@pytest.mark.django_db
def test_wechat_button_when_configured(client, wechat_app):
    html = client.get(reverse("account_login")).content.decode()
    assert "使用微信登录" in html and f'action="{LOGIN}' in html


@pytest.mark.django_db
def test_connected_worker_signs_in_with_wechat(client, wechat_app, wechat_api):
    worker = make_user("w-wechat", phone="13912345678", phone_verified=True)
    SocialAccount.objects.create(user=worker, provider="weixin", uid=OPENID)
    response = start_and_call_back(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).wsgi_request.user == worker
    assert wechat_api.call_count == 2


@pytest.mark.django_db
def test_new_wechat_user_signs_up_verifies_phone_and_is_linked(
    client, caplog, wechat_app, wechat_api, street_a
):
    member = member_create(
        phone="13912345678", name="李骑手", gender="female", occupation="rider", street=street_a
    )
    response = start_and_call_back(client)
    assert response.status_code == 302
    signup_url = response["Location"]
    html = client.get(signup_url).content.decode()
    assert 'name="phone"' in html and 'name="password1"' not in html
    with caplog.at_level(logging.INFO, logger="yangpu_portal.sms"):
        response = client.post(
            signup_url,
            {
                "phone": "13912345678",
                "name": "李骑手",
                "gender": "female",
                "occupation": "rider",
                "street": street_a.pk,
                "privacy_consent": "on",
            },
        )
    assert response.status_code == 302 and response["Location"] == "/accounts/phone/verify/"
    response = client.post("/accounts/phone/verify/", {"code": sent_code(caplog)})
    assert response.status_code == 302
    user = User.objects.get(phone="13912345678")
    assert client.get(reverse("home")).wsgi_request.user == user
    assert user.phone_verified and not user.has_usable_password()
    assert re.fullmatch(r"w[0-9a-f]{10}", user.username)  # never the WeChat nickname
    assert SocialAccount.objects.get(provider="weixin", uid=OPENID).user == user
    member.refresh_from_db()
    assert member.user == user
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_wechat_signup_with_a_linked_phone_is_refused(client, wechat_app, wechat_api, street_a):
    make_user("w-old", phone="13912345678", phone_verified=True)
    response = start_and_call_back(client)
    signup_url = response["Location"]
    response = client.post(
        signup_url,
        {
            "phone": "13912345678",
            "name": "李骑手",
            "gender": "female",
            "occupation": "rider",
            "street": street_a.pk,
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 200
    assert "该手机号已绑定账户" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signed_in_worker_can_open_the_connections_page(client, wechat_app):
    worker = make_user("w-conn", phone="13912345678", phone_verified=True)
    SocialAccount.objects.create(user=worker, provider="weixin", uid=OPENID)
    client.force_login(worker)
    response = client.get("/accounts/3rdparty/")
    assert response.status_code == 200
    assert 'name="account"' in response.content.decode()  # the disconnect choice


@pytest.mark.django_db
def test_anonymous_connections_page_goes_to_login(client):
    response = client.get("/accounts/3rdparty/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
