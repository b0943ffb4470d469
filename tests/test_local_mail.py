from django.core.mail import EmailMultiAlternatives

from config.mail import ReadableFileEmailBackend


def test_local_mail_is_saved_readable_and_as_eml(tmp_path):
    message = EmailMultiAlternatives(
        subject="報名確認: Seminar", body="您好 CHAN Tai Man 陳大文", to=["a@example.com"]
    )
    message.attach("seminar.ics", b"BEGIN:VCALENDAR", "text/calendar")

    sent = ReadableFileEmailBackend(file_path=str(tmp_path), alias="default").send_messages(
        [message]
    )

    assert sent == 1
    (text_file,) = tmp_path.glob("*.txt")
    (eml_file,) = tmp_path.glob("*.eml")
    text = text_file.read_text(encoding="utf-8")
    assert text.startswith("Subject: 報名確認: Seminar\n")
    assert "To: a@example.com" in text
    assert "Attachments: seminar.ics" in text
    assert text.endswith("您好 CHAN Tai Man 陳大文")
    assert b"Content-Type: multipart/mixed" in eml_file.read_bytes()


def test_a_local_eml_keeps_a_long_unsubscribe_address_on_one_line(tmp_path):
    url = "<http://127.0.0.1:8000/news/unsubscribe/" + "x" * 100 + "/>"
    message = EmailMultiAlternatives(
        subject="News", body="Hello", to=["a@example.com"], headers={"List-Unsubscribe": url}
    )

    ReadableFileEmailBackend(file_path=str(tmp_path), alias="default").send_messages([message])

    (eml_file,) = tmp_path.glob("*.eml")
    assert f"List-Unsubscribe: {url}".encode() in eml_file.read_bytes()
