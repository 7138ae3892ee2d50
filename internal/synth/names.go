package synth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A culture is a naming tradition: how a person of a region is named. The
// lists are common names as they appear in Indonesian civil and social
// registers (DTKS extracts, school and election rolls published by regions),
// collected by hand; the shares below are assumptions that give each
// tradition its shape, not counted figures.
type culture uint8

const (
	javanese culture = iota
	sundanese
	batak
	minang
	bugis     // Bugis, Makassar, Mandar, Buton: Andi, La/Wa, Daeng
	balinese  // birth-order names
	muslim    // Arabic-derived names of Aceh, the Malay coasts, Betawi, Banjar, Sasak, Gorontalo, Madura
	eastern   // Catholic and Protestant names of NTT, Toraja and Dayak, with a family name
	minahasa  // Christian given name + Minahasan fam
	maluku    // given name + Moluccan fam
	papua     // Christian given name + Papuan family name
	chinese   // Chinese-Indonesian names in their Indonesian form
	nCultures // count
)

var cultureNames = [nCultures]string{"jawa", "sunda", "batak", "minang", "bugis", "bali", "muslim", "timur", "minahasa", "maluku", "papua", "tionghoa"}

func (c culture) String() string { return cultureNames[c] }

// Name lists by culture and sex. Older and younger generations are named
// differently, so some traditions have a list per generation.
var (
	javaOldM = []string{"Sutrisno", "Slamet", "Joko", "Sugiyono", "Wagiman", "Paijo", "Suparman", "Sumarno",
		"Sukardi", "Suwarno", "Parman", "Karno", "Tukimin", "Sarijo", "Darmo", "Suyatno", "Mulyono", "Subagyo",
		"Hartono", "Sunarto", "Sugeng", "Tugiman", "Warsito", "Legimin", "Kasmin", "Ngadiman", "Sumadi",
		"Wiryo", "Marsudi", "Kusno", "Harjo", "Suroso", "Sukirman", "Rusdi", "Poniman", "Paimin", "Sukimin",
		"Jumadi", "Sastro", "Margono", "Triyono", "Sapari", "Gimin", "Tarno", "Katiman"}
	javaOldF = []string{"Suparmi", "Sumarni", "Ngatini", "Tukiyem", "Sri", "Painem", "Sarmi", "Sumiyati",
		"Wagiyem", "Suwarni", "Jumiyati", "Katini", "Sukarti", "Marni", "Parinem", "Tumini", "Ngatiyem",
		"Kasiyem", "Sutini", "Rubiyem", "Legiyem", "Sumini", "Warsini", "Darmi", "Suyati", "Giyem", "Partini",
		"Sulastri", "Tarmi", "Poniyem", "Mujiyem", "Sartini", "Samini", "Karsih", "Wartini", "Tugirah"}
	javaMidM = []string{"Budi", "Agus", "Eko", "Bambang", "Joko", "Heru", "Hadi", "Teguh", "Wahyu", "Yudi",
		"Bayu", "Dwi", "Tri", "Andi", "Sigit", "Hendro", "Arif", "Rudi", "Imam", "Dedi", "Puji", "Edi", "Anton",
		"Gunawan", "Nanang", "Sri", "Tono", "Widodo", "Priyo", "Yanto", "Aris", "Bagus", "Danang", "Ari"}
	javaMidF = []string{"Sri", "Dwi", "Tri", "Endang", "Dewi", "Retno", "Wahyu", "Yuli", "Sulis", "Rina",
		"Siti", "Nur", "Tutik", "Lilik", "Ani", "Eni", "Nining", "Umi", "Winarti", "Puji", "Yuni", "Ratna",
		"Erna", "Wulan", "Indah", "Tuti", "Suci", "Endah", "Rini", "Yanti", "Dyah", "Lestari"}
	javaSecondM = []string{"Santoso", "Susanto", "Wibowo", "Prasetyo", "Purnomo", "Hartono", "Setiawan",
		"Nugroho", "Widodo", "Susilo", "Haryanto", "Suryanto", "Kurniawan", "Saputro", "Wijaya", "Raharjo",
		"Utomo", "Sulistyo", "Pamungkas", "Wicaksono", "Hidayat", "Riyanto", "Sutrisno", "Wahyudi", "Hermawan",
		"Sulistiyono", "Setyawan", "Cahyono", "Darmawan", "Prabowo", "Purwanto", "Suharto", "Mulyadi"}
	javaSecondF = []string{"Wahyuni", "Handayani", "Rahayu", "Lestari", "Wulandari", "Sulistyowati",
		"Rahmawati", "Kusumawati", "Purwanti", "Setyaningsih", "Suryani", "Astuti", "Utami", "Mulyani",
		"Hartati", "Susanti", "Wijayanti", "Indriyani", "Puspitasari", "Ningsih", "Yulianti", "Hastuti",
		"Suprihatin", "Winarsih", "Rahmani", "Kurniasih", "Widyaningsih", "Anggraini", "Cahyaningsih"}

	// Javanese birth-order prefixes: Eko (first), Dwi, Tri, Catur, Panca.
	javaOrder = []string{"Eko", "Dwi", "Tri", "Catur", "Panca"}

	sundaM = []string{"Asep", "Ujang", "Dadang", "Cecep", "Dede", "Yayat", "Ade", "Iwan", "Dodi", "Agus",
		"Deden", "Encep", "Jajang", "Mamat", "Otong", "Engkos", "Aang", "Ayi", "Ujang", "Ahmad", "Usep",
		"Dadan", "Endang", "Entis", "Hendi", "Ikin", "Nandang", "Odang", "Tatang", "Wawan", "Yana", "Atep",
		"Cucu", "Ajat", "Oman", "Ecep", "Iyus", "Ruhiyat", "Engkus", "Uus"}
	sundaF = []string{"Ai", "Euis", "Iis", "Nining", "Entin", "Yuyun", "Cucu", "Enok", "Neng", "Popon",
		"Imas", "Tati", "Elis", "Lilis", "Yeti", "Eti", "Ida", "Ani", "Ela", "Iin", "Enung", "Eulis", "Dedeh",
		"Cicih", "Nenden", "Nani", "Oom", "Titin", "Yoyoh", "Aan", "Eem", "Ai", "Ai", "Siti", "Nur", "Neneng"}
	sundaSecondM = []string{"Saepudin", "Sutisna", "Suherman", "Supriatna", "Hidayat", "Sopian", "Rustandi",
		"Permana", "Sunarya", "Kurniawan", "Suryana", "Hermawan", "Mulyana", "Rohman", "Ruhiyat", "Sobari",
		"Sukmana", "Saepulloh", "Hidayatulloh", "Rahmat", "Gunawan", "Setiawan", "Nugraha", "Kusnadi",
		"Sumpena", "Sulaeman", "Koswara", "Suganda", "Wiguna", "Juhana", "Sutarman", "Ramdani", "Jaelani"}
	sundaSecondF = []string{"Komariah", "Nurhayati", "Rohaeti", "Kurniasih", "Rostika", "Mulyati", "Hayati",
		"Sumiati", "Kartini", "Maryani", "Rohayati", "Hindasah", "Nuraeni", "Rosita", "Sukaesih", "Juariah",
		"Rahmawati", "Nurjanah", "Yulianti", "Saadah", "Kuraesin", "Rukmini", "Aisah", "Solihah", "Jubaedah",
		"Patimah", "Wartini", "Aminah", "Kokom", "Kurniawati", "Sopiah", "Nurlela"}

	batakM = []string{"Maruli", "Tigor", "Rudolf", "Lamhot", "Togar", "Poltak", "Sahat", "Ganda", "Marihot",
		"Hotma", "Parlindungan", "Bonar", "Hasudungan", "Torang", "Binsar", "Manahan", "Jonggi", "Pardamean",
		"Mangasi", "Robert", "Hendrik", "Jansen", "Daniel", "Samuel", "Fernando", "Ronald", "Benny", "Jhonson",
		"Darwin", "Marlon", "Rinaldi", "Erwin", "Saut", "Horas", "Tumpal", "Baginda", "Mangara", "Bistok"}
	batakF = []string{"Rosmawati", "Juniar", "Sondang", "Tiurma", "Romauli", "Desi", "Lisbet", "Ruth",
		"Melati", "Rosdiana", "Nurmala", "Hotnida", "Tiominar", "Rotua", "Lamria", "Erna", "Sarma", "Rismawati",
		"Dame", "Friska", "Rumondang", "Intan", "Paima", "Nelly", "Mariani", "Herlina", "Rosida", "Lasma",
		"Maria", "Tionar", "Ruslan", "Dorma", "Masniari", "Rugun", "Nurhaida", "Hotmaria"}
	marga = []string{"Siregar", "Nasution", "Simanjuntak", "Sitompul", "Harahap", "Lubis", "Hutapea",
		"Situmorang", "Sinaga", "Simatupang", "Panjaitan", "Pardede", "Manurung", "Napitupulu", "Hutagalung",
		"Tambunan", "Sihombing", "Pasaribu", "Silalahi", "Sembiring", "Ginting", "Tarigan", "Purba", "Saragih",
		"Damanik", "Marpaung", "Sitorus", "Gultom", "Simbolon", "Sianturi", "Hutabarat", "Sihotang", "Aritonang",
		"Hasibuan", "Rangkuti", "Pohan", "Matondang", "Sitanggang", "Simamora", "Butarbutar", "Samosir",
		"Pakpahan", "Sirait", "Hutauruk", "Sibarani", "Munthe", "Nainggolan", "Sinurat", "Batubara", "Daulay"}

	minangM = []string{"Syafrizal", "Yusrizal", "Afrizal", "Zulkifli", "Asrul", "Yulisman", "Nofrizal",
		"Desrizal", "Hendri", "Irwan", "Zulhendri", "Efendi", "Syamsuardi", "Jasman", "Rusdi", "Darmawan",
		"Amrizal", "Erizal", "Masrizal", "Yondri", "Novrianto", "Yuhendri", "Alfian", "Syafril", "Zulfahmi",
		"Fauzan", "Ridwan", "Januardi", "Firdaus", "Yusman", "Zainal", "Rahmat", "Armen", "Elfizon", "Nasrul",
		"Darisman", "Syahrial", "Yasrul", "Zulkarnain", "Indra"}
	minangF = []string{"Yulianti", "Fitri", "Erlina", "Deswita", "Nofrianti", "Rosmaini", "Yusnidar",
		"Elfi", "Nurhasanah", "Rosna", "Yenni", "Desi", "Ernawati", "Misnawati", "Yusmaniar", "Zuraida",
		"Nurbaiti", "Syafnidar", "Yulinar", "Rita", "Rosmiati", "Asmawati", "Elmi", "Afrida", "Yasnidar",
		"Fatmawati", "Gusnawati", "Yurnalis", "Rahmi", "Jusniar", "Netti", "Ratna"}
	minangSecond = []string{"Putra", "Chaniago", "Koto", "Piliang", "Sikumbang", "Tanjung", "Jambak",
		"Melayu", "Sutan", "Saputra", "Effendi", "Syahputra", "Caniago"}
	minangSecondF = []string{"Putri", "Chaniago", "Koto", "Piliang", "Sikumbang", "Tanjung", "Jambak",
		"Melayu", "Yanti", "Wati", "Sari"}

	bugisM = []string{"Baharuddin", "Hasanuddin", "Syamsuddin", "Nurdin", "Ridwan", "Jumadi", "Arifin",
		"Sudirman", "Basri", "Hamzah", "Rusli", "Akbar", "Ilham", "Syahrir", "Amiruddin", "Kamaruddin",
		"Jamaluddin", "Sultan", "Baso", "Abdullah", "Muhammad", "Muhammad", "Rahman", "Haeruddin", "Bahtiar",
		"Sahabuddin", "Mustari", "Rustam", "Sainal", "Muhtar", "Anwar", "Idris", "Arsyad", "Halim", "Tahir",
		"Rahmat", "Sukri", "Syarifuddin", "Nasrullah", "Asri", "Marzuki", "Usman"}
	bugisF = []string{"Hasnah", "Hasnawati", "Nurhaedah", "Jumriati", "Hadijah", "Rahmatia", "Nurhayati",
		"Hasmiati", "Nurjannah", "Suriani", "Mardiana", "Herlina", "Megawati", "Darmawati", "Asmawati",
		"Kartini", "Rosdiana", "Sumarni", "Nurlina", "Hasriani", "Salmah", "Hamsina", "Sitti", "Sitti", "Siti",
		"Nurhaeni", "Jusnawati", "Rahmawati", "Hasmawati", "Murni", "Rosmini", "Nurbaya", "Sunarti", "Ratna",
		"Haslinda", "Nurmiati", "Hartati", "Mariam"}
	bugisSecond = []string{"Amin", "Ali", "Rahman", "Saleh", "Jufri", "Hamid", "Yusuf", "Sanusi", "Said",
		"Husain", "Latif", "Kadir", "Tahir", "Nur", "Idris", "Rauf", "Halim", "Basir", "Hasan", "Ramli",
		"Syam", "Baso", "Madjid", "Arsyad", "Makmur", "Mappa", "Tenri", "Rasyid"}
	daeng = []string{"Ngalle", "Sikki", "Tompo", "Bella", "Ngai", "Rannu", "Nompo", "Lalang", "Sila", "Tayang",
		"Sunggu", "Gassing", "Bunga", "Kebo", "Mangka"}

	baliGivenM = []string{"Sudarma", "Sukarta", "Suarsana", "Sudiarta", "Wirawan", "Adnyana", "Artawan",
		"Suardana", "Mahendra", "Astawa", "Sumerta", "Budiasa", "Suparta", "Sudana", "Darmawan", "Suwena",
		"Wiguna", "Arsana", "Yasa", "Sutama", "Mertayasa", "Suarjana", "Gunawan", "Putra", "Parwata",
		"Sukadana", "Widiana", "Ariawan", "Sumadi", "Suardika", "Kariasa", "Winata", "Rai", "Wardana"}
	baliGivenF = []string{"Widiasih", "Sriasih", "Sukerti", "Ariani", "Suartini", "Sudiani", "Wahyuni",
		"Adnyani", "Sumiati", "Suciati", "Rai", "Sukarmi", "Darmini", "Sumerti", "Astiti", "Purnami", "Sariani",
		"Suryani", "Kartini", "Sukasih", "Lestari", "Mertasari", "Juliantari", "Ratnadi", "Arini", "Suarni",
		"Sutarini", "Ayu", "Dewi", "Puspitawati"}
	// Balinese birth-order names, by order (0-based): Wayan/Putu/Gede
	// (Luh for a girl), Made/Kadek/Nengah, Nyoman/Komang, Ketut; the fifth
	// child starts again (Wayan Balik).
	baliOrder = [4][]string{
		{"Wayan", "Wayan", "Putu", "Putu", "Gede"},
		{"Made", "Made", "Kadek", "Nengah"},
		{"Nyoman", "Nyoman", "Komang"},
		{"Ketut"},
	}
	baliOrderFirstF = []string{"Wayan", "Putu", "Putu", "Luh", "Luh Putu"}
	baliGentryM     = []string{"Ida Bagus", "Anak Agung", "I Gusti Ngurah", "Cokorda", "I Gusti Bagus", "I Dewa"}
	baliGentryF     = []string{"Ida Ayu", "Anak Agung Ayu", "I Gusti Ayu", "Cokorda Istri", "Desak"}

	muslimM = []string{"Ahmad", "Yusuf", "Ridwan", "Hasan", "Husein", "Ismail", "Ibrahim", "Saleh", "Fauzi",
		"Taufik", "Ilham", "Arif", "Zulkifli", "Syaiful", "Khairul", "Zainal", "Rahmat", "Hidayat", "Nurdin",
		"Anwar", "Lukman", "Usman", "Umar", "Imam", "Ali", "Hamzah", "Mukhtar", "Syamsul", "Yahya", "Yunus",
		"Abdullah", "Rizal", "Ramli", "Hasbi", "Azhari", "Iskandar", "Mahmud", "Salim", "Anas", "Bakri",
		"Amiruddin", "Jafar", "Idris", "Harun", "Musa", "Sulaiman", "Ismet", "Rusli", "Kamal"}
	muslimF = []string{"Aminah", "Fatimah", "Aisyah", "Khadijah", "Zainab", "Maryam", "Halimah", "Rohani",
		"Rahmawati", "Nurhayati", "Jamilah", "Maimunah", "Rukiah", "Salmah", "Hamidah", "Zubaidah", "Hafsah",
		"Rabiah", "Saodah", "Syarifah", "Rosmawati", "Asiah", "Hasanah", "Kalsum", "Ummi", "Mariam", "Nursiah",
		"Rahimah", "Azizah", "Safiah", "Juwairiah", "Sakinah", "Nurjanah", "Hindun", "Mardiah", "Rohimah"}
	muslimSecondM = []string{"Hidayat", "Syahputra", "Effendi", "Rahman", "Saputra", "Hakim", "Ramadhan",
		"Fauzi", "Hasan", "Ilyas", "Ismail", "Harahap", "Yusuf", "Abdullah", "Husin", "Nasir", "Rasyid", "Amin",
		"Munir", "Zakaria", "Mansur", "Mahdi", "Basri", "Gani", "Arifin", "Rahim", "Karim", "Hamid"}
	muslimSecondF = []string{"Hasanah", "Rahmawati", "Nurhayati", "Aini", "Fitriani", "Mawaddah", "Ulfa",
		"Zahra", "Safitri", "Amalia", "Kamilah", "Rahmah", "Wahidah", "Husna", "Saadah", "Hayati", "Aminah",
		"Marlina", "Yanti", "Sari", "Wati"}
	abdulSecond = []string{"Rahman", "Rahim", "Aziz", "Karim", "Malik", "Wahab", "Gani", "Hamid", "Latif",
		"Majid", "Kadir", "Halim", "Rauf", "Jalil", "Muis", "Razak", "Salam", "Haris", "Syukur", "Wahid"}

	easternM = []string{"Yohanes", "Yohanis", "Fransiskus", "Petrus", "Paulus", "Markus", "Yakobus",
		"Agustinus", "Stefanus", "Marthen", "Yosef", "Yoseph", "Aloysius", "Kornelis", "Dominggus", "Hendrik",
		"Yeremias", "Melkianus", "Oktovianus", "Simon", "Daniel", "Yulius", "Emanuel", "Ferdinand", "Lukas",
		"Gabriel", "Bernadus", "Wilhelmus", "Antonius", "Siprianus", "Frederikus", "Nikolaus", "Matheus",
		"Yustinus", "Isak", "Yulianus", "Arnoldus", "Robertus", "Benediktus", "Titus"}
	easternF = []string{"Maria", "Yuliana", "Magdalena", "Agustina", "Elisabeth", "Margaretha", "Fransiska",
		"Theresia", "Yohana", "Martha", "Sarlota", "Yasinta", "Veronika", "Florentina", "Regina", "Imelda",
		"Yustina", "Kristina", "Anastasia", "Oktavia", "Yosefina", "Bernadeta", "Katarina", "Serlin", "Marselina",
		"Adriana", "Yuliani", "Roswita", "Herlina", "Novita", "Elfrida", "Mersi", "Selvi", "Natalia"}
	easternFam = []string{"Ndun", "Lay", "Bria", "Nahak", "Seran", "Tefa", "Benu", "Pello", "Mau", "Nenabu",
		"Tanesib", "Manafe", "Foenay", "Therik", "Bessie", "Riwu", "Dethan", "Lango", "Mesah", "Nomleni",
		"Kause", "Bani", "Fanggidae", "Kolo", "Dimu", "Lakapu", "Haning", "Ratu", "Laiskodat", "Nope", "Atok",
		"Tallo", "Bili", "Leo", "Radja", "Wadu", "Djami", "Taek", "Neno", "Bere", "Klau", "Rante", "Tandi",
		"Pabane", "Sampe", "Palinggi", "Tangdilintin", "Kombong", "Paseru", "Banne"}

	minahasaM = []string{"Johny", "Frans", "Jefry", "Hendrik", "Stevie", "Ronald", "Jemmy", "Hanny", "Decky",
		"Jantje", "Roy", "Ferry", "Alfred", "Marthen", "Max", "Noldy", "Rommy", "Meiky", "Jerry", "Fendy",
		"Stenly", "Vecky", "Arnold", "Deddy", "Tommy", "Johanis", "Herry", "Jacky", "Sonny", "Welly"}
	minahasaF = []string{"Meiske", "Deasy", "Vonny", "Lenny", "Marlina", "Grace", "Feiby", "Jeane", "Olvie",
		"Novita", "Christy", "Meity", "Sientje", "Altje", "Femmy", "Jultje", "Hetty", "Ruth", "Lientje",
		"Yuneke", "Stella", "Juliana", "Debby", "Rina", "Syane", "Vivi", "Helda", "Nelly"}
	minahasaFam = []string{"Lumentut", "Sondakh", "Pangemanan", "Rumondor", "Tumbelaka", "Wenas", "Mandagi",
		"Mamahit", "Lengkong", "Kaunang", "Supit", "Runtuwene", "Sumampouw", "Walukow", "Tumewu", "Rondonuwu",
		"Kalalo", "Karundeng", "Pontoh", "Lumanauw", "Rumengan", "Tambuwun", "Pangkey", "Sumual", "Warouw",
		"Mantiri", "Ratulangi", "Lasut", "Mewengkang", "Tengker", "Rompas", "Kairupan", "Tangkere", "Worang"}

	malukuM = []string{"Yohanis", "Semuel", "Yakob", "Nus", "Alex", "Marthen", "Dominggus", "Frans", "Johny",
		"Ambon", "Abdul", "Hamid", "Ahmad", "Said", "Ismail", "Yusuf", "Husein", "Salim", "Ali", "Rudi", "Max",
		"Ferry", "Agus", "Daniel", "Elia", "Yunus", "Pieter", "Bram"}
	malukuF = []string{"Maria", "Yosina", "Agustina", "Magdalena", "Martha", "Elisabeth", "Sarah", "Naomi",
		"Wa Ode", "Fatima", "Siti", "Nurlela", "Halima", "Salma", "Helena", "Yuliana", "Mince", "Ester",
		"Ruth", "Adriana", "Nona", "Lea", "Femmy", "Rina", "Santi"}
	malukuFam = []string{"Pattiasina", "Matulessy", "Tuhumury", "Sahetapy", "Leimena", "Latuconsina",
		"Tuasikal", "Wattimena", "Tehupeiory", "Latumahina", "Huwae", "Lekatompessy", "Ohorella", "Rumalutur",
		"Tuanakotta", "Sopacua", "Manuhutu", "Hehanussa", "Pelupessy", "Latuheru", "Pattinasarany", "Sapulette",
		"Soumokil", "Loppies", "Tomasoa", "Rehatta", "Lessy", "Marasabessy", "Tuankotta", "Kiat", "Renwarin",
		"Rahawarin", "Ngabalin", "Ubro", "Rumra", "Tuharea"}

	papuaM = []string{"Yohanis", "Marthen", "Yakob", "Nikolas", "Yance", "Otniel", "Yulianus", "Markus",
		"Benny", "Elias", "Yesaya", "Herman", "Set", "Obaja", "Yosias", "Demianus", "Yotam", "Piter", "Frans",
		"Lukas", "Yunus", "Septinus", "Zakeus", "Agus", "Nius", "Yeremias", "Matius", "Yan", "Alpius", "Habel"}
	papuaF = []string{"Yuliana", "Maria", "Marice", "Yosina", "Dorkas", "Naomi", "Selina", "Mince",
		"Yakomina", "Ester", "Ruth", "Debora", "Agustina", "Marta", "Magdalena", "Lea", "Susana", "Beatrix",
		"Sarlota", "Yohana", "Petronela", "Adolfina", "Elisabeth", "Fince", "Herlina"}
	papuaFam = []string{"Wenda", "Kogoya", "Tabuni", "Wanimbo", "Rumbiak", "Mandacan", "Kambu", "Yikwa",
		"Murib", "Wonda", "Karoba", "Gobai", "Pigai", "Tebay", "Mote", "Rumaropen", "Wanggai", "Sawaki",
		"Kafiar", "Mandowen", "Ayomi", "Yoku", "Ohee", "Itaar", "Sraun", "Enumbi", "Tabuni", "Wakerkwa",
		"Lokobal", "Asso", "Yogi", "Degei", "Douw", "Kayame", "Boma", "Uamang", "Magai", "Tekege", "Womsiwor"}

	chineseM = []string{"Hendra", "Budi", "Rudy", "Herman", "Hendrik", "Kevin", "Steven", "Michael", "Wiliam",
		"Sugianto", "Johan", "Andreas", "Eddy", "Tjandra", "Agus", "Handoko", "Yohanes", "Ferry", "Jimmy",
		"Hengky", "Tommy", "Sutanto", "Ricky", "Robby", "Darmawan", "Hartono"}
	chineseF = []string{"Lina", "Susanti", "Wati", "Lily", "Meiliana", "Yenny", "Felicia", "Jessica",
		"Cindy", "Stefani", "Linda", "Lanny", "Lisa", "Mei", "Ratna", "Sherly", "Vivian", "Elisabeth", "Juliana",
		"Merry", "Irene", "Sinta", "Fenny", "Selvi"}
	chineseFam = []string{"Wijaya", "Gunawan", "Halim", "Tanoto", "Salim", "Sugianto", "Santoso", "Hartono",
		"Kusuma", "Tanjaya", "Lim", "Tan", "Setiadi", "Wibisono", "Liman", "Chandra", "Tjahjadi", "Susanto",
		"Kurniawan", "Lie", "Oei", "Gozali", "Tanuwijaya", "Sutanto", "Widjaja", "Kosasih", "Hidayat", "Tjoa"}

	// Names given since the mid-1990s, across the country.
	modernM = []string{"Rizky", "Dimas", "Aditya", "Fajar", "Bayu", "Reza", "Dika", "Rafi", "Farhan", "Alif",
		"Arya", "Galih", "Yoga", "Ilham", "Fikri", "Raka", "Daffa", "Naufal", "Akbar", "Gilang", "Rendi",
		"Andika", "Wahyu", "Rio", "Fadli", "Haikal", "Rehan", "Zidan", "Rizal", "Kevin", "Dafa", "Ardi",
		"Muhammad", "Muhammad", "Ahmad", "Satria", "Tegar", "Bima", "Azka", "Raffi"}
	modernF = []string{"Putri", "Nabila", "Aulia", "Dinda", "Salsabila", "Anisa", "Annisa", "Nisa", "Intan",
		"Ayu", "Dewi", "Citra", "Tiara", "Zahra", "Amelia", "Aisyah", "Nadia", "Rahma", "Fitri", "Indah",
		"Sinta", "Nur", "Siti", "Alya", "Keisha", "Syifa", "Khansa", "Naura", "Azzahra", "Cahaya", "Bunga",
		"Rara", "Dela", "Vina", "Maya", "Nayla", "Kirana", "Anggun"}
	modernSecondM = []string{"Pratama", "Saputra", "Ramadhan", "Maulana", "Firmansyah", "Nugraha",
		"Kurniawan", "Setiawan", "Hidayat", "Wijaya", "Prasetya", "Aditama", "Syahputra", "Permana", "Putra",
		"Alfarizi", "Hakim", "Akbar", "Fauzan", "Ardiansyah", "Hidayatullah", "Rizki", "Adi", "Dwi"}
	modernSecondF = []string{"Lestari", "Safitri", "Rahmawati", "Permata", "Puspita", "Maharani", "Ramadhani",
		"Wulandari", "Kusuma", "Anggraini", "Oktaviani", "Pratiwi", "Putri", "Amalia", "Handayani",
		"Nurhaliza", "Azzahra", "Aprilia", "Febriani", "Salsabila", "Maulida", "Khairunnisa", "Nuraini"}
	modernThirdF = []string{"Sari", "Putri", "Ayu", "Lestari", "Wati", "Ningsih", "Rahayu", "Utami"}
)

// variant is one spelling of a name word and its weight among the spellings.
type variant struct {
	spelling string
	weight   int
}

// spellings are the written forms of some common name words with their
// rough shares, as they appear side by side in civil records (domain.md
// §9; issue 4 point 6 lists the pairs a search must bridge). A word not
// listed is written one way.
var spellings = map[string][]variant{
	"Muhammad":   {{"Muhammad", 45}, {"Muhamad", 18}, {"Mohammad", 10}, {"Mohamad", 7}, {"Mochammad", 5}, {"Moh.", 5}, {"M.", 6}, {"Muh.", 4}},
	"Ahmad":      {{"Ahmad", 70}, {"Achmad", 18}, {"Akhmad", 8}, {"Ahmat", 4}},
	"Abdul":      {{"Abdul", 90}, {"Abd.", 10}},
	"Siti":       {{"Siti", 82}, {"Sitti", 10}, {"Sity", 5}, {"St.", 3}},
	"Sitti":      {{"Sitti", 80}, {"Siti", 20}},
	"Nur":        {{"Nur", 92}, {"Nurul", 4}, {"Noor", 4}},
	"Aisyah":     {{"Aisyah", 70}, {"Aisah", 15}, {"Aisya", 10}, {"Aishah", 5}},
	"Khadijah":   {{"Khadijah", 50}, {"Hadijah", 35}, {"Chadijah", 10}, {"Khodijah", 5}},
	"Fatimah":    {{"Fatimah", 75}, {"Fatima", 15}, {"Patimah", 10}},
	"Rizky":      {{"Rizky", 40}, {"Rizki", 35}, {"Rizqi", 10}, {"Riski", 10}, {"Rizqy", 5}},
	"Yusuf":      {{"Yusuf", 75}, {"Yusup", 15}, {"Jusuf", 10}},
	"Taufik":     {{"Taufik", 65}, {"Taufiq", 25}, {"Topik", 10}},
	"Zainal":     {{"Zainal", 60}, {"Zaenal", 30}, {"Jaenal", 10}},
	"Khairul":    {{"Khairul", 50}, {"Chairul", 20}, {"Hairul", 20}, {"Khoirul", 10}},
	"Syaiful":    {{"Syaiful", 55}, {"Saiful", 35}, {"Syaeful", 10}},
	"Rahmat":     {{"Rahmat", 70}, {"Rachmat", 20}, {"Rohmat", 10}},
	"Hasan":      {{"Hasan", 85}, {"Hassan", 15}},
	"Husein":     {{"Husein", 45}, {"Husin", 35}, {"Husain", 20}},
	"Ismail":     {{"Ismail", 85}, {"Ismael", 15}},
	"Usman":      {{"Usman", 80}, {"Utsman", 10}, {"Osman", 10}},
	"Saleh":      {{"Saleh", 60}, {"Soleh", 25}, {"Sholeh", 15}},
	"Mukhtar":    {{"Mukhtar", 50}, {"Muhtar", 30}, {"Mochtar", 20}},
	"Syamsul":    {{"Syamsul", 70}, {"Samsul", 30}},
	"Hidayat":    {{"Hidayat", 92}, {"Hidayah", 8}},
	"Rahmawati":  {{"Rahmawati", 80}, {"Rachmawati", 20}},
	"Zulkifli":   {{"Zulkifli", 85}, {"Zulkifly", 15}},
	"Fauzi":      {{"Fauzi", 85}, {"Fauzy", 15}},
	"Rukiah":     {{"Rukiah", 60}, {"Rukiyah", 40}},
	"Maryam":     {{"Maryam", 70}, {"Mariam", 30}},
	"Yahya":      {{"Yahya", 90}, {"Yahja", 10}},
	"Abdullah":   {{"Abdullah", 85}, {"Abdulah", 15}},
	"Setiawan":   {{"Setiawan", 75}, {"Setyawan", 25}},
	"Sulistyo":   {{"Sulistyo", 70}, {"Sulistio", 30}},
	"Supriyadi":  {{"Supriyadi", 60}, {"Supriadi", 40}},
	"Cahyono":    {{"Cahyono", 80}, {"Tjahjono", 20}},
	"Sugiyono":   {{"Sugiyono", 70}, {"Sugiono", 30}},
	"Sumiyati":   {{"Sumiyati", 60}, {"Sumiati", 40}},
	"Wahyuni":    {{"Wahyuni", 90}, {"Wahyunie", 10}},
	"Dewi":       {{"Dewi", 92}, {"Dewie", 8}},
	"Hendri":     {{"Hendri", 60}, {"Hendry", 40}},
	"Yulianti":   {{"Yulianti", 85}, {"Julianti", 15}},
	"Nurhayati":  {{"Nurhayati", 90}, {"Nurhayaty", 10}},
	"Dyah":       {{"Dyah", 60}, {"Diah", 40}},
	"Anisa":      {{"Anisa", 50}, {"Annisa", 35}, {"Anissa", 15}},
	"Slamet":     {{"Slamet", 85}, {"Selamet", 15}},
	"Sulaiman":   {{"Sulaiman", 70}, {"Suleman", 30}},
	"Juwairiah":  {{"Juwairiah", 70}, {"Juairiah", 30}},
	"Saodah":     {{"Saodah", 60}, {"Saudah", 40}},
	"Zubaidah":   {{"Zubaidah", 75}, {"Zubaedah", 25}},
	"Syarifah":   {{"Syarifah", 80}, {"Sarifah", 20}},
	"Saepudin":   {{"Saepudin", 60}, {"Saefudin", 25}, {"Syaifuddin", 15}},
	"Mahmud":     {{"Mahmud", 80}, {"Machmud", 20}},
	"Ramadhan":   {{"Ramadhan", 70}, {"Ramadan", 20}, {"Romadhon", 10}},
	"Nurjanah":   {{"Nurjanah", 60}, {"Nurjannah", 40}},
	"Nurjannah":  {{"Nurjannah", 60}, {"Nurjanah", 40}},
	"Hasanuddin": {{"Hasanuddin", 70}, {"Hasanudin", 30}},
	"Jamaluddin": {{"Jamaluddin", 65}, {"Jamaludin", 35}},
}

// pick returns one of xs.
func (g *rnd) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// spell writes word as a person's record might: one of its spellings.
func (g *rnd) spell(word string) string {
	vs, ok := spellings[word]
	if !ok {
		return word
	}
	total := 0
	for _, v := range vs {
		total += v.weight
	}
	x := g.r.IntN(total)
	for _, v := range vs {
		if x < v.weight {
			return v.spelling
		}
		x -= v.weight
	}
	return word
}

// oldSpelling writes a word in the spelling before EYD (1972), as many
// KTPs of older people and some family names still do: dj for j, j for y,
// tj for c, oe for u, ch for kh (Djoko, Soekarno, Tjahjono, Joesoef,
// Chairoel).
func oldSpelling(word string) string {
	var b strings.Builder
	b.Grow(len(word) + 4)
	rs := []rune(word)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		upper := unicode.IsUpper(r)
		lo := unicode.ToLower(r)
		next := rune(0)
		if i+1 < len(rs) {
			next = unicode.ToLower(rs[i+1])
		}
		prev := rune(0)
		if i > 0 {
			prev = unicode.ToLower(rs[i-1])
		}
		var out string
		switch {
		case lo == 'k' && next == 'h':
			out = "ch"
			i++
		case lo == 'c' && next == 'h': // already the old kh (Achmad)
			out = "ch"
			i++
		case lo == 'j':
			out = "dj"
		case lo == 'y' && prev != 't' && prev != 'd' && next != 0:
			// ty and dy stay (tj and dj would read c and j: Setyawan, Dyah),
			// and so does a final y, which reads i (Rizky).
			out = "j"
		case lo == 'c':
			out = "tj"
		case lo == 'u':
			out = "oe"
		default:
			out = string(lo)
		}
		if upper {
			first, size := utf8.DecodeRuneInString(out)
			out = string(unicode.ToUpper(first)) + out[size:]
		}
		b.WriteString(out)
	}
	return b.String()
}

// nicknames are the short names people are known by (the registry keeps
// them as aliases); a search by nickname finds the person only through
// the alias, since no spelling rule leads from Wawan to Hermawan.
var nicknames = map[string][]string{
	"Muhammad": {"Mamat", "Amat"}, "Hermawan": {"Wawan"}, "Kurniawan": {"Iwan", "Wawan"},
	"Setiawan": {"Wawan"}, "Sutrisno": {"Tris"}, "Rahmat": {"Amat"}, "Abdullah": {"Dul"},
	"Yusuf": {"Ucup"}, "Asep": {"Acep"}, "Nurhayati": {"Yati"}, "Sumarni": {"Marni"}, "Suparmi": {"Parmi"},
	"Fatimah": {"Imah"}, "Rohani": {"Ani"}, "Bambang": {"Bams"}, "Sugiyono": {"Giyono"},
	"Slamet": {"Met"}, "Suparman": {"Parman"}, "Siti": {"Titi"}, "Fransiskus": {"Frans"},
	"Yohanes": {"Anis", "Jhon"}, "Agustinus": {"Agus"}, "Baharuddin": {"Bahar"}, "Hasanuddin": {"Hasan"},
	"Syamsuddin": {"Syam"}, "Nurhasanah": {"Nur"}, "Wahyuni": {"Yuni"}, "Handayani": {"Yani"},
}
