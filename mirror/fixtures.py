"""Fixed texts of the mirror: the real seed article and the four articles of its "Tin liên quan" block.

Copied verbatim from shared/seeds/vov_article_page_text.txt, including its no-break spaces (written as
\\u00a0 below). The manifest carries the whitespace-normalised form of these texts.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FixedText:
    section: str
    slug: str
    vov_id: str
    title: str
    sapo: str  # without the "VOV.VN - " prefix
    paragraphs: tuple[str, ...] = ()  # empty: the generator writes a body


SEED = FixedText(
    section="the-gioi",
    slug="my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong",
    vov_id="post1029389",
    title="Mỹ và Nhật Bản tổ chức Đối thoại răn đe mở rộng",
    sapo=(
        "Mỹ và Nhật Bản đã tổ chức Đối thoại răn đe mở rộng tại tiểu bang Missouri\u00a0trong hai ngày 26/6 "
        "và 27/6. Sự kiện là cơ hội để hai nước thảo luận cách thức duy trì và tăng cường răn đe mở rộng "
        "vốn là trung tâm của liên minh Mỹ-Nhật."
    ),
    paragraphs=(
        "Trong khuôn khổ đối thoại, hai bên đã thảo luận về răn đe mở rộng và tham vấn về các biện pháp "
        "nhằm tăng cường hợp tác song phương.",
        "Hai bên cũng chia sẻ những đánh giá về môi trường an ninh khu vực, triển vọng kiểm soát vũ khí "
        "chiến lược, giảm thiểu rủi ro, rà soát các năng lực bao gồm hạt nhân của Mỹ đóng góp cho răn đe "
        "khu vực, và nhấn mạnh tầm quan trọng của việc tối ưu hóa các hoạt động của liên minh nhằm tăng "
        "cường tính hiệu quả của các hoạt động răn đe.",
        "Phía Mỹ nhắc lại cam kết gia tăng các nguồn lực chiến lược của Mỹ ở khu vực. Hai bên sẽ tiếp tục "
        "nghiên cứu cách thức làm sâu rộng hợp tác liên minh thông qua tăng cường chia sẻ thông tin, huấn "
        "luyện, diễn tập bao gồm diễn tập thảo luận và tiếp tục chuẩn bị cho liên minh nhằm đối phó với "
        "các cuộc tấn công tiềm tàng và răn đe các hoạt động triển khai hạt nhân.",
        "Mỹ và Nhật Bản\u00a0cam kết cải thiện phối hợp và tăng cường các năng lực và tư thế của liên minh "
        "trước các mối đe dọa tên lửa. Hai bên cũng thảo luận tầm quan trọng của hợp tác ba bên và đa "
        "phương trong việc tăng cường răn đe.",
    ),
)

SEED_AUTHOR = "Minh Hòa"
SEED_TAGS = ("Mỹ", "Nhật Bản", "răn đe mở rộng")

# In the seed's page order. Items 1 and 4 have near-identical titles and slugs but are different articles.
SEED_RELATED = (
    FixedText(
        section="the-gioi",
        slug="ngoai-truong-my-nhat-ban-gap-nhau-ben-le-hoi-nghi-ngoai-truong-g7",
        vov_id="post1011245",
        title="Ngoại trưởng Mỹ, Nhật Bản gặp nhau bên lề hội nghị Ngoại trưởng G7",
        sapo=(
            "Ngoại trưởng Mỹ Antony Blinken ngày 17/04 đã có cuộc gặp với Ngoại trưởng Nhật Bản Hayashi "
            "Yoshimasa\u00a0bên lề hội nghị Ngoại trưởng G7 ở Nhật Bản."
        ),
    ),
    FixedText(
        section="the-gioi",
        slug="my-nhat-ban-va-han-quoc-se-phoi-hop-dap-tra-neu-trieu-tien-thu-hat-nhan-lan-thu-7",
        vov_id="post990870",
        title="Mỹ, Nhật Bản và Hàn Quốc sẽ phối hợp đáp trả nếu Triều Tiên thử hạt nhân lần thứ 7",
        sapo=(
            "Cố vấn an ninh quốc gia Mỹ Jake Sullivan\u00a0ngày 13/11 cho biết Mỹ, Nhật Bản và Hàn Quốc sẽ "
            "phối hợp đáp trả nếu Triều Tiên tiến hành thử hạt nhân lần thứ 7."
        ),
    ),
    FixedText(
        section="the-gioi",
        slug="an-do-my-nhat-ban-australia-bat-dau-cuoc-tap-tran-malabar-2022",
        vov_id="post989120",
        title="Ấn Độ, Mỹ, Nhật Bản, Australia bắt đầu cuộc tập trận Malabar - 2022",
        sapo=(
            "Lực lượng Hải quân các nước Nhóm Đối thoại 4 bên về an ninh (QUAD) bao gồm Ấn Độ, Mỹ, Nhật Bản "
            "và Australia ngày 9/11 đã bắt đầu cuộc tập trận hàng hải thường niên Malabar - 2022 ở Yokosuka, "
            "Nhật Bản. Cuộc tập trận sẽ diễn ra từ ngày 9-18/11."
        ),
    ),
    FixedText(
        section="the-gioi",
        slug="ngoai-truong-my-nhat-ban-gap-nhau-ben-le-hoi-nghi-ngoai-truong-g7",
        vov_id="post988342",
        title="Ngoại trưởng Mỹ, Nhật Bản gặp nhau bên lề Hội nghị ngoại trưởng G7",
        sapo=(
            "Ngoại trưởng Mỹ Antony Blinken và Ngoại trưởng Nhật Bản Hayashi Yoshimasa ngày 04/11 đã gặp "
            "nhau bên lề hội nghị ngoại trưởng nhóm G7."
        ),
    ),
)

FOLLOW_LINE = "Mời quý độc giả theo dõi VOV.VN trên"
RELATED_HEADING = "Tin liên quan"
