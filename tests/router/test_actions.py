"""The action check: a tool whose verb contradicts the request is flagged, plain matches are not."""

from __future__ import annotations

import pytest

from router.actions import conflict


@pytest.mark.parametrize(
    ("request_text", "tool"),
    [
        ("I'd like to subscribe to the newsletter with user@example.com", "unsubscribeFromNewsletter"),
        ("Please enable two-factor login on my account", "disableTwoFactor"),
        ("Can you book a table for two at 7?", "cancelReservation"),
        ("Can you update my voicemail settings to turn it off?", "getVoicemailSettings"),
        ("Please delete the payment method pm1234", "listPaymentMethods"),
        ("What are my current voicemail settings?", "updateVoicemailSettings"),
        ("Can you give me the insurance options for shipment SHIP321?", "purchaseShipmentInsurance"),
        ("I'd like to subscribe to the newsletter", "shopping__unsubscribeNewsletter"),
        ("I want to cancel my health insurance policy POLICY345", "renewHealthInsurancePolicy"),  # cancel undoes
        ("Please cancel the pizza I ordered an hour ago", "orderPizza"),  # several actions: book, renew, order
        ("Is VoLTE enabled on my number?", "enableVoLTE"),  # a yes/no question asks for information
        ("Am I registered to vote with personal ID 123456789?", "registerToVote"),
        ("Can you check if auto-pay is enabled for my account?", "updateAutoPayStatus"),  # "auto-pay" is a noun
        ("Can you tell me if room 101 was cleaned recently?", "updateHousekeepingStatus"),
        ("Can you provide details of my wire transfer with ID WT123?", "cancelWireTransfer"),  # a noun
        # a name that opens with no verb says its action with a noun at the end
        ("Can you tell me if I had an appointment with Dr. Johnson on May 20th?", "AppointmentRegistration"),
        ("Please cancel my hotel booking for tonight", "HotelBooking"),
    ],
)
def test_contradicting_actions_are_flagged(request_text: str, tool: str) -> None:
    assert conflict(request_text, tool), (request_text, tool)


@pytest.mark.parametrize(
    ("request_text", "tool"),
    [
        ("Unsubscribe me from the newsletter", "unsubscribeFromNewsletter"),
        ("Book a double room at the Grand Hotel for Friday", "HotelBooking"),
        ("What is the status of my registration?", "QueryRegistration"),  # the opening verb comes first
        ("What's the weather in Paris?", "get_weather"),
        ("Is roaming enabled on my number?", "getRoamingStatus"),  # -ed: a state, not an action
        ("Check if item 888 is in stock and reserve it", "getItemStock"),  # reads first
        ("Give me a quote for car insurance and then buy the policy", "getCarInsuranceQuote"),  # a chain
        ("Can you set an alarm for 7am?", "setAlarm"),
        ("What is 2+2?", "add_numbers"),  # "add" as arithmetic
        ("Email bob that I'm running late", "send_email"),
        ("Can you recommend a classic novel?", "BookTool"),  # a noun, not "book a ..."
        ("Can this song get added to my playlist?", "AddToPlaylist"),
        ("Put the Get Going song on my playlist", "AddToPlaylist"),  # a title, not a question
        ("Cancel my booking please", "cancelBooking"),  # "booking" is not "book"
        ("Renew my house insurance policy H098765", "renewHouseInsurancePolicy"),
        ("", "deleteFile"),
        ("Is there a way to put my WiFi details into a QR code?", "create_qr_code"),  # asks for it, politely
        ("Is it possible to cancel my order 42?", "cancelOrder"),
        ("Please assist with checking in a guest named John Smith", "checkIn"),  # a phrasal verb, not "check"
        ("Weather for close-by Parc national de Kolkheti", "GetWeather"),
        ("I want to transfer 500 USD to my savings account", "initiateTransfer"),  # a verb after "to"
        ("Please cancel the transfer WT789", "cancelWireTransfer"),
        ("I want to terminate my fixed term deposit, account number 1234.", "getAccountIdFromNumber"),  # a lookup
        ("Before we delete your account, I need your token.", "GetUserToken"),  # first
    ],
)
def test_matching_actions_pass(request_text: str, tool: str) -> None:
    assert conflict(request_text, tool) is None, (request_text, tool, conflict(request_text, tool))
